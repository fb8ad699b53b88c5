// The SPARQL editor page (/sparql in a browser): YASGUI set up to reach nothing but this
// endpoint: no prefix.cc or LOV autocompletion (only the bundled prefixes and the query's own
// variables), no endpoint catalogue, no persistence. Its settings come from the page's
// <script type="application/json" id="sparql-config">. A file, not an inline script, so the
// pages' Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var config = JSON.parse(document.getElementById("sparql-config").textContent);
  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") { return; }
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    corsProxy: undefined,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: config.endpoint }]; }, keys: []
    },
    yasqe: {
      autocompleters: ["prefixes", "variables"], prefixCcApi: null, persistenceId: null,
      editorHeight: "20rem"
    },
    yasr: { persistenceId: null, prefixes: config.prefixes }
  });
  window.citypactEditor = yasgui;
  yasgui.getTab().setQuery(config.query);
  document.querySelectorAll("a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var text = config.examples[a.getAttribute("data-example")];
      if (!text) { return; }
      event.preventDefault();
      var tab = yasgui.getTab();
      tab.setQuery(text);
      history.replaceState(null, "", a.href);
      root.scrollIntoView();
      tab.getYasqe().focus();
    });
  });
});
