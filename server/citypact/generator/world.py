"""The invented world's raw material: real countries with their styles of names, name parts,
news outlets, and the weights of document types, partnership types and commitment statuses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """A real country the synthetic places lie in, with a bounding box for coordinates."""

    slug: str
    en: str
    id: str
    ms: str
    wikidata: str
    iso: str
    style: str
    weight: float
    lon: tuple[float, float]
    lat: tuple[float, float]


# slug|English|Indonesian|Malay|Wikidata|ISO|naming style|weight|longitudes|latitudes
_COUNTRY_TABLE = """
indonesia|Indonesia|Indonesia|Indonesia|Q252|ID|id|30|95.3 140.9|-10.9 5.8
malaysia|Malaysia|Malaysia|Malaysia|Q833|MY|ms|12|100.1 118.9|1.3 6.9
south-korea|South Korea|Korea Selatan|Korea Selatan|Q884|KR|ko|7|126.1 129.5|34.4 38.5
japan|Japan|Jepang|Jepun|Q17|JP|ja|7|130.2 144.9|31.2 43.9
china|China|Tiongkok|China|Q148|CN|zh|8|100.2 121.9|22.1 40.9
germany|Germany|Jerman|Jerman|Q183|DE|de|5|6.1 14.9|47.6 54.8
netherlands|Netherlands|Belanda|Belanda|Q55|NL|de|2|3.6 6.9|51.1 53.4
thailand|Thailand|Thailand|Thailand|Q869|TH|th|5|98.4 104.9|6.2 19.9
vietnam|Vietnam|Vietnam|Vietnam|Q881|VN|vi|4|103.1 108.9|9.1 22.9
australia|Australia|Australia|Australia|Q408|AU|en|4|115.1 152.9|-37.9 -12.1
united-states|United States|Amerika Serikat|Amerika Syarikat|Q30|US|en|5|-122.9 -71.1|26.1 47.9
turkey|Turkey|Turki|Turki|Q43|TR|tr|3|27.1 43.9|36.1 41.9
france|France|Prancis|Perancis|Q142|FR|fr|3|-4.1 7.4|43.1 50.4
india|India|India|India|Q668|IN|in|4|70.1 87.9|9.1 29.9
philippines|Philippines|Filipina|Filipina|Q928|PH|ph|4|119.9 125.9|6.1 18.4
"""


def _range(text: str) -> tuple[float, float]:
    low, high = text.split()
    return float(low), float(high)


def _countries(table: str) -> tuple[Country, ...]:
    countries = []
    for line in table.strip().splitlines():
        slug, en, id_, ms, wikidata, iso, style, weight, lon, lat = line.split("|")
        countries.append(
            Country(
                slug, en, id_, ms, wikidata, iso, style, float(weight), _range(lon), _range(lat)
            )
        )
    return tuple(countries)


COUNTRIES = _countries(_COUNTRY_TABLE)


# Invented but plausible names by naming style: for places, first parts and second parts and
# the joiner between them; for people, given names and family names.
PLACE_PARTS_TEXT: dict[str, tuple[str, str, str]] = {
    "id": (
        (
            "Suka Tanjung Karang Sumber Banjar Pasir Teluk Batu Muara Wono Purwo Mekar "
            "Sindang Rawa Bojong"
        ),
        "jaya makmur sari asri mulya raya rejo agung baru indah wangi harjo sentosa",
        "",
    ),
    "ms": (
        "Bandar Kuala Sri Bukit Pulau Sungai Batu Teluk Padang Tanjung",
        "Permai Jaya Indah Baru Utama Damai Setia Mas Emas Perdana Seri",
        " ",
    ),
    "ko": (
        "Gang Cheon Yang Pyeong Gwang Dae Jin Hwa Seong Mun Nam Buk",
        "ju won san cheon yang gu jin seong po do",
        "",
    ),
    "ja": (
        "Kawa Yama Naka Shima Hara Mori Ishi Oka Matsu Taka Fuji Kita",
        "saki mura moto zawa hama gawa yama da oka shiro",
        "",
    ),
    "zh": (
        "Jiang Shan Hai Ning An Ping Yang Lin Xin Hua Long Qing",
        "zhou ning yang cheng shan an men jiang hai de",
        "",
    ),
    "de": (
        "Neu Alt Ober Unter Ros Lin Wald Berg Stein Eich Linden Hohen",
        "burg dorf hausen heim feld stadt bach au kirchen hagen",
        "",
    ),
    "th": (
        "Chiang Nakhon Ban Phra Sri Mueang Nong Pak",
        "Buri Thani Rat Sawan Chai Nakhon Phanom Khai",
        " ",
    ),
    "vi": (
        "Ha Long Bien Vinh Quang Tan Thanh Phu Dong Tay",
        "Hoa Ninh Yen An Binh Lam Son Giang Tho",
        " ",
    ),
    "en": (
        "Spring River Oak Lake Green Fair Maple Clear Stone Port Mill",
        "field ton wood dale view ford port bury ridge haven",
        "",
    ),
    "tr": (
        "Kara Ak Yeni Eski Bey Kizil Gol Sari Kay",
        "kent dere pinar ova tepe su koy hisar yurt",
        "",
    ),
    "fr": (
        "Mont Ville Beau Clair Roche Val Fontaine Bourg",
        "mont lieu ville court fort mare champ pré val",
        "",
    ),
    "in": (
        "Ram Shiv Chandra Hari Ganga Raj Madhya Vijay Krishna",
        "pur nagar abad garh ganj puram kota wadi",
        "",
    ),
    "ph": (
        "San Santa Puerto Bagong Dalig Balang",
        "Isidro Rosa Carlos Pilar Fernando Vicente Maria Tomas Jose",
        " ",
    ),
}


PERSON_PARTS_TEXT: dict[str, tuple[str, str]] = {
    "id": (
        (
            "Budi Siti Agus Dewi Rudi Sri Andi Nur Hendra Rina Joko Yusuf Ahmad Ratna "
            "Bambang Wahyu Eko Indah"
        ),
        (
            "Santoso Wijaya Pratama Saputra Hidayat Setiawan Kurniawan Lestari Nugroho "
            "Siregar Harahap Rahman Susanto Gunawan"
        ),
    ),
    "ms": (
        "Ahmad Siti Mohd Nurul Azman Farah Hafiz Aisyah Zainal Rosnah Kamal Faridah",
        "Ismail Hassan Abdullah Rahim Yusof Hamid Othman Ibrahim Osman Salleh",
    ),
    "ko": (
        "Min-jun Seo-yeon Ji-ho Ha-eun Do-yun Soo-ah Jae-won Hye-jin",
        "Kim Lee Park Choi Jung Kang Cho Yoon",
    ),
    "ja": (
        "Hiroshi Yuki Kenji Aiko Takeshi Naoko Satoshi Emi",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura",
    ),
    "zh": (
        "Wei Fang Jun Li Ming Xiu Hao Yan",
        "Wang Li Zhang Liu Chen Yang Zhao Huang",
    ),
    "de": (
        "Anna Thomas Julia Michael Stefan Katrin Jan Sabine Lukas",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker",
    ),
    "th": (
        "Somchai Suda Niran Malee Prasert Ratana",
        "Srisuk Chaiyaporn Thongdee Wongsa Boonmee Saelim",
    ),
    "vi": (
        "Minh Lan Hung Thu Quang Mai",
        "Nguyen Tran Le Pham Hoang Vu",
    ),
    "en": (
        "James Mary Robert Linda David Sarah Emily Daniel",
        "Smith Johnson Brown Taylor Wilson Clark Walker Hall",
    ),
    "tr": (
        "Mehmet Ayse Mustafa Fatma Ali Zeynep",
        "Yilmaz Kaya Demir Sahin Celik Ozturk",
    ),
    "fr": (
        "Marie Jean Pierre Sophie Luc Claire",
        "Martin Bernard Dubois Durand Lefebvre Moreau",
    ),
    "in": (
        "Amit Priya Rahul Sunita Vikram Anjali",
        "Sharma Patel Singh Kumar Gupta Reddy",
    ),
    "ph": (
        "Jose Maria Juan Ana Ramon Liza",
        "Santos Reyes Cruz Bautista Garcia Mendoza",
    ),
}


PLACE_PARTS = {
    k: (tuple(a.split()), tuple(b.split()), j) for k, (a, b, j) in PLACE_PARTS_TEXT.items()
}


PERSON_PARTS = {k: (tuple(a.split()), tuple(b.split())) for k, (a, b) in PERSON_PARTS_TEXT.items()}


OUTLET_NAMES = {
    "id": ("Warta {}", "Harian {}", "Kabar {}"),
    "ms": ("Berita {}", "Utusan {}"),
    "en": ("{} Times", "{} Post", "{} Herald"),
}


DOC_ABBREVIATIONS = {
    "letter-of-intent": "loi",
    "memorandum-of-understanding": "mou",
    "joint-declaration": "joint-declaration",
    "sister-city-agreement": "sister-city-agreement",
    "proclamation": "proclamation",
    "minutes-of-talks": "minutes",
    "unspecified": "agreement",
}


FIRST_DOC_WEIGHTS = {
    "letter-of-intent": 35,
    "memorandum-of-understanding": 30,
    "sister-city-agreement": 12,
    "joint-declaration": 8,
    "minutes-of-talks": 6,
    "proclamation": 4,
    "unspecified": 5,
}


LATER_DOC_WEIGHTS = {
    "memorandum-of-understanding": 35,
    "sister-city-agreement": 20,
    "joint-declaration": 15,
    "minutes-of-talks": 12,
    "letter-of-intent": 8,
    "proclamation": 4,
    "unspecified": 6,
}


PARTNERSHIP_TYPES = (
    ("SisterCity", "sister-city", 5),
    ("FriendshipCity", "friendship-city", 2),
    ("Cooperation", "cooperation", 3),
)


STATUSES = (("Stated", 55), ("InProgress", 20), ("Implemented", 15), ("Lapsed", 10))
