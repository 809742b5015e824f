// The query page's YASGUI, loaded only when src/newskg/web/static/vendor/yasgui/ is installed.
//
// Everything comes from this server: the endpoint is this server's /sparql, the endpoint
// catalogue lists only it, and YASGUI's autocompleters that ask outside services (LOV for
// classes and properties, prefix.cc for prefixes) are replaced by local lists that the page
// embeds (#query-page-data, built by src/newskg/web/query_page.py from the ontology and the shapes).
// Without YASGUI (or without JavaScript) the page stays a plain HTML form.
(function () {
  "use strict";

  var dataElement = document.getElementById("query-page-data");
  var mount = document.getElementById("yasgui");
  var Yasgui = window.Yasgui;
  if (!dataElement || !mount || !Yasgui || !Yasgui.Yasqe) {
    return; // the plain form stays
  }
  var data = JSON.parse(dataElement.textContent);
  var endpoint = new URL(data.endpoint, document.baseURI).href;
  var Yasqe = Yasgui.Yasqe;
  var completions = data.completions || {};
  var prefixes = completions.prefixes || {};

  // Local completers, forked from YASGUI's own so they keep its token handling. The last
  // argument `false` keeps them out of the defaults; the list below decides what runs.
  Yasqe.forkAutocompleter("prefixes", {
    name: "newskg-prefixes",
    persistenceId: null,
    get: Object.keys(prefixes).sort().map(function (p) {
      return p + ": <" + prefixes[p] + ">";
    }),
  }, false);
  Yasqe.forkAutocompleter("class", {
    name: "newskg-classes", bulk: true, get: completions.classes || [],
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "newskg-properties", bulk: true, get: completions.properties || [],
  }, false);
  var completers = ["newskg-prefixes", "newskg-classes", "newskg-properties", "variables"];
  // Yasgui.defaults.yasqe is Yasqe.defaults; set both in case a version copies it.
  Yasqe.defaults.autocompleters = completers.slice();
  Yasgui.defaults.yasqe.autocompleters = completers.slice();
  Yasqe.defaults.prefixCcApi = undefined;

  // The result table: numbers as numbers. YASR shows a typed literal as "2"^^xsd:integer
  // unless its "simple view" is on, which also hides the row numbers; a numeric literal is
  // shown as its number here (the row numbers keep their column).
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  var NUMERIC = /^http:\/\/www\.w3\.org\/2001\/XMLSchema#(integer|decimal|double|float|long|int|short|byte|(non)?(negative|positive)Integer|unsigned(Long|Int|Short|Byte))$/;
  if (Table && Table.prototype && Table.prototype.formatLiteral) {
    var formatLiteral = Table.prototype.formatLiteral;
    Table.prototype.formatLiteral = function (binding, prefixes) {
      if (binding.datatype && NUMERIC.test(binding.datatype)) {
        return '<span class="number">' + escapeHtml(binding.value) + "</span>";
      }
      return formatLiteral.call(this, binding, prefixes);
    };
  }

  // A shared link (YASGUI's share button: this page's URL with #query=…) opens on the query
  // it carries; its endpoint is always this server's, whatever the link says.
  var shared = /(^#|&)query=/.test(window.location.hash);
  var yasgui = new Yasgui(mount, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    copyEndpointOnNewTab: true,
    // No localStorage: the page opens on this endpoint with the query a shared link
    // carries, else the one the URL asks for (?example=NAME), else the default one.
    persistenceId: null,
    populateFromUrl: function (config) {
      config.requestConfig.endpoint = endpoint;
      return config;
    },
    autofocus: false,
    yasqe: { value: data.query, autocompleters: completers.slice() },
  });

  function currentTab() {
    return yasgui.getTab();
  }

  var tab = currentTab();
  if (tab.getEndpoint() !== endpoint) {
    tab.setEndpoint(endpoint);
  }
  if (!shared && tab.getQuery() !== data.query) {
    tab.setQuery(data.query);
  }

  // YASGUI replaces the plain form (hidden, not removed: ?ui=plain shows it again).
  var form = document.getElementById("query-form");
  if (form) {
    form.hidden = true;
  }

  // An example link loads the example into the current tab instead of reloading the page.
  var links = document.querySelectorAll("a.example[data-example]");
  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("click", function (event) {
      var query = data.examples[link.dataset.example];
      if (query === undefined || event.ctrlKey || event.metaKey || event.shiftKey) {
        return; // let the browser follow the link (a new tab, or the server's page)
      }
      event.preventDefault();
      var target = currentTab();
      target.setQuery(query);
      target.getYasqe().focus();
      mount.scrollIntoView({ block: "start" });
    });
  });

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  window.newskgYasgui = yasgui; // for the browser tests and the console
  document.documentElement.dataset.yasgui = "ready";
})();
