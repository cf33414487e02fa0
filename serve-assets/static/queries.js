// The query page: run a saved query with its parameters, or your own SPARQL, and show the
// answer as a table. Everything from the server or the user is inserted with textContent.
"use strict";
(function () {
  var BASE = "https://w3id.org/accsm-kg/";
  var catalog = [];
  var $ = function (id) { return document.getElementById(id); };

  function setStatus(text) { $("status").textContent = text; }
  function showError(text) {
    var box = $("error");
    box.textContent = text;
    box.hidden = !text;
  }

  function currentQuery() {
    var name = $("saved-query").value;
    return catalog.find(function (q) { return q.name === name; }) || null;
  }

  function savedUrl(format, download) {
    var query = currentQuery();
    var params = new URLSearchParams();
    query.params.forEach(function (p) {
      var input = $("param-" + p.name);
      if (input && input.value.trim() !== "") params.set(p.name, input.value.trim());
    });
    var lang = $("saved-lang").value;
    if (lang) params.set("lang", lang);
    params.set("format", format);
    if (download) params.set("download", "1");
    return "/api/queries/" + encodeURIComponent(query.name) + "?" + params.toString();
  }

  function updateDownloads() {
    if (!currentQuery()) return;
    $("download-csv").href = savedUrl("csv", true);
    $("download-json").href = savedUrl("json", true);
  }

  function showSaved() {
    var query = currentQuery();
    var box = $("saved-params");
    box.replaceChildren();
    if (!query) return;
    $("saved-description").textContent = query.description || query.title;
    query.params.forEach(function (p) {
      if (p.kind === "lang") return; // the language list below sets it
      var row = document.createElement("p");
      var label = document.createElement("label");
      label.htmlFor = "param-" + p.name;
      label.textContent = p.name;
      var input = document.createElement("input");
      input.id = "param-" + p.name;
      input.name = p.name;
      input.type = "text";
      input.placeholder = p.default !== null ? p.default : (p.required ? "required" : "optional");
      input.required = !!p.required;
      input.addEventListener("input", updateDownloads);
      var hint = document.createElement("small");
      hint.textContent = " " + p.label + (p.description ? " — " + p.description : "");
      row.append(label, " ", input, hint);
      box.appendChild(row);
    });
    updateDownloads();
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.textContent = shorten(term.value);
      a.title = term.value;
      a.href = term.value.indexOf(BASE) === 0 ? "/" + term.value.slice(BASE.length) : term.value;
      if (a.protocol !== "http:" && a.protocol !== "https:") return textCell(td, term.value);
      td.appendChild(a);
    } else {
      td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  function textCell(td, text) { td.textContent = text; return td; }

  var prefixes = {};
  function shorten(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      var ns = prefixes[p];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > prefixes[best].length)) {
        var local = iri.slice(ns.length);
        if (local.indexOf("/") < 0 && local.indexOf("#") < 0) best = p;
      }
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
  }

  function showTable(data, truncated) {
    var out = $("result");
    out.replaceChildren();
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.id = "ask-result";
      p.textContent = data.boolean ? "true" : "false";
      out.appendChild(p);
      setStatus("The answer is " + p.textContent + ".");
      return;
    }
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var table = document.createElement("table");
    table.id = "results";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    out.appendChild(table);
    var text = rows.length + (rows.length === 1 ? " row" : " rows");
    if (truncated) text += " (cut: " + truncated + ")";
    setStatus(text + ".");
  }

  function showText(text) {
    var pre = document.createElement("pre");
    pre.id = "graph-result";
    pre.textContent = text;
    $("result").replaceChildren(pre);
    setStatus("A graph, as Turtle.");
  }

  async function show(response) {
    var truncated = response.headers.get("X-Accsm-Truncated");
    var type = (response.headers.get("Content-Type") || "").split(";")[0];
    var text = await response.text();
    if (!response.ok) {
      $("result").replaceChildren();
      setStatus("");
      showError(response.status + " " + response.statusText + ": " + text.trim());
      $("result-heading").scrollIntoView({ block: "start" });
      return;
    }
    showError("");
    if (type.indexOf("json") >= 0) showTable(JSON.parse(text), truncated);
    else showText(text);
    $("result-heading").scrollIntoView({ block: "start" });
  }

  async function run(request) {
    setStatus("Running…");
    showError("");
    try {
      await show(await request());
    } catch (err) {
      setStatus("");
      showError("The server could not be reached: " + err);
    }
  }

  function runSaved(event) {
    event.preventDefault();
    if (!currentQuery()) return;
    updateDownloads();
    run(function () { return fetch(savedUrl("json", false), { headers: { Accept: "application/sparql-results+json" } }); });
  }

  function runEditor() {
    var body = $("editor").value;
    run(function () {
      return fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: body,
      });
    });
  }

  function highlight() {
    window.SparqlHighlight.render($("editor-highlight").firstElementChild, $("editor").value);
    syncScroll();
  }
  function syncScroll() {
    var pre = $("editor-highlight");
    pre.scrollTop = $("editor").scrollTop;
    pre.scrollLeft = $("editor").scrollLeft;
  }

  function editorKeys(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runEditor();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var t = event.target;
      var start = t.selectionStart;
      t.setRangeText("  ", start, t.selectionEnd, "end");
      highlight();
    }
  }

  function openInEditor() {
    var query = currentQuery();
    if (!query) return;
    $("editor").value = query.text;
    highlight();
    $("editor").focus();
  }

  async function start() {
    $("saved-form").addEventListener("submit", runSaved);
    $("saved-query").addEventListener("change", showSaved);
    $("saved-lang").addEventListener("change", updateDownloads);
    $("run-editor").addEventListener("click", runEditor);
    $("open-in-editor").addEventListener("click", openInEditor);
    $("editor").addEventListener("input", highlight);
    $("editor").addEventListener("scroll", syncScroll);
    $("editor").addEventListener("keydown", editorKeys);
    highlight();
    try {
      var answers = await Promise.all([fetch("/api/queries"), fetch("/api/prefixes")]);
      catalog = await answers[0].json();
      prefixes = await answers[1].json();
    } catch (err) {
      showError("Could not load the saved queries: " + err);
      return;
    }
    $("prefix-list").textContent = Object.keys(prefixes)
      .map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; })
      .join("\n");
    var select = $("saved-query");
    catalog.forEach(function (q) {
      var option = document.createElement("option");
      option.value = q.name;
      option.textContent = q.title + " (" + q.name + ")";
      select.appendChild(option);
    });
    showSaved();
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
