/* The interactive partnership network of accsm-kg (see accsm_kg/viz/html.py).
   Reads the JSON in #viz-data, draws it with vis-network (inlined above), and wires up
   search, the time slider, the link-type filters and the details panel. Fetches nothing. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var ALL = "all";
  var state = { year: ALL, types: {} };
  data.types.forEach(function (t) { state.types[t.key] = true; });

  var kindOf = {};
  data.kinds.forEach(function (k) { kindOf[k.key] = k; });
  var typeOf = {};
  data.types.forEach(function (t) { typeOf[t.key] = t; });
  var nodeById = {};
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "class") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fold(text) {
    return String(text || "").normalize("NFC").toLocaleLowerCase();
  }

  /* ---------------------------------------------------------------- the network */

  var big = data.nodes.length > 400;
  var visNodes = new vis.DataSet(data.nodes.map(function (n) {
    var kind = kindOf[n.kind] || { color: "#999", label: n.kind };
    var tip = el("div", { class: "tip" }, [
      el("strong", { text: n.label }), el("br"),
      el("span", { class: "tkind", text: kind.label })
    ]);
    return {
      id: n.id, label: n.label, title: tip, x: n.x, y: n.y, value: n.degree,
      color: { background: kind.color, border: kind.color,
               highlight: { background: kind.color, border: "#111" },
               hover: { background: kind.color, border: "#111" } }
    };
  }));
  var visEdges = new vis.DataSet(data.edges.map(function (e) {
    var type = typeOf[e.type] || { color: "#999", label: e.type };
    var tip = el("div", { class: "tip" }, [
      el("strong", { text: type.label }),
      el("br"),
      el("span", { class: "tkind", text: e.date ? e.date : "no date given" })
    ]);
    return {
      id: e.id, from: e.from, to: e.to, title: tip,
      color: { color: type.color, highlight: type.color, hover: type.color, opacity: 0.75 },
      dashes: e.dated_by === "undated"
    };
  }));

  var shownNodes = new Set();
  var shownEdges = new Set();
  var nodeView = new vis.DataView(visNodes, { filter: function (n) { return shownNodes.has(n.id); } });
  var edgeView = new vis.DataView(visEdges, { filter: function (e) { return shownEdges.has(e.id); } });

  function inYear(item, year) {
    if (year === ALL) { return true; }
    var first = year + "-01-01", last = year + "-12-31";
    return (!item.start || item.start <= last) && (!item.end || item.end >= first);
  }

  function recompute() {
    shownNodes = new Set();
    shownEdges = new Set();
    data.edges.forEach(function (e) {
      if (!state.types[e.type]) { return; }
      if (!inYear(e, state.year)) { return; }
      if (!inYear(nodeById[e.from], state.year) || !inYear(nodeById[e.to], state.year)) { return; }
      shownEdges.add(e.id);
      shownNodes.add(e.from);
      shownNodes.add(e.to);
    });
    nodeView.refresh();
    edgeView.refresh();
    document.getElementById("count-nodes").textContent = String(shownNodes.size);
    document.getElementById("count-edges").textContent = String(shownEdges.size);
    document.getElementById("network").setAttribute("data-nodes", String(shownNodes.size));
    document.getElementById("network").setAttribute("data-edges", String(shownEdges.size));
  }
  recompute();

  var container = document.getElementById("network");
  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      shape: "dot",
      scaling: { min: 8, max: 28, label: { enabled: true, min: 10, max: 30, drawThreshold: big ? 8 : 4 } },
      font: { size: 14, face: "Noto Sans, DejaVu Sans, Khmer OS, Garuda, sans-serif",
              strokeWidth: 3, strokeColor: "#ffffff" },
      borderWidth: 1
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.5 } },
      width: 1.2,
      selectionWidth: 2,
      smooth: big ? false : { enabled: true, type: "continuous", roundness: 0.3 }
    },
    physics: {
      enabled: true,
      solver: big ? "barnesHut" : "forceAtlas2Based",
      barnesHut: { gravitationalConstant: -3000, springLength: 90, springConstant: 0.04,
                   damping: 0.3, avoidOverlap: 0.1 },
      forceAtlas2Based: { gravitationalConstant: -120, centralGravity: 0.008, springLength: 140,
                          springConstant: 0.04, avoidOverlap: 0.6 },
      stabilization: { enabled: true, iterations: data.stabilizationIterations,
                       updateInterval: 25, fit: true },
      minVelocity: 1.5
    },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false,
                   hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false }
  };
  var started = performance.now();
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  var status = document.getElementById("status");

  function settle() {
    if (status.getAttribute("data-stabilized") === "true") { return; }
    network.setOptions({ physics: { enabled: false } });
    status.setAttribute("data-stabilized", "true");
    status.setAttribute("data-ms", String(Math.round(performance.now() - started)));
    status.textContent = "";
  }
  network.on("stabilizationIterationsDone", settle);
  network.on("stabilized", settle);

  /* ---------------------------------------------------------------- filters */

  function typeCounts() {
    var counts = {};
    data.edges.forEach(function (e) { counts[e.type] = (counts[e.type] || 0) + 1; });
    return counts;
  }

  function buildFilters() {
    var counts = typeCounts();
    var box = document.getElementById("filters");
    data.groups.forEach(function (group) {
      var members = data.types.filter(function (t) { return t.group === group.key && counts[t.key]; });
      if (!members.length) { return; }
      var boxes = [];
      var toggle = el("button", { type: "button", text: "none", "data-group": group.key });
      var head = el("div", { class: "group-head" }, [
        el("span", { class: "swatch", style: "background:" + group.color }),
        el("span", { text: group.label }), toggle
      ]);
      var wrap = el("div", { class: "group" }, [head]);
      members.forEach(function (t) {
        var input = el("input", { type: "checkbox", "data-type": t.key, id: "type-" + t.key });
        input.checked = true;
        input.addEventListener("change", function () {
          state.types[t.key] = input.checked;
          recompute();
        });
        boxes.push(input);
        wrap.appendChild(el("label", { for: "type-" + t.key }, [
          input, " " + t.label + " ", el("span", { class: "n", text: "(" + counts[t.key] + ")" })
        ]));
      });
      toggle.addEventListener("click", function () {
        var on = toggle.textContent === "all";
        boxes.forEach(function (input) { input.checked = on; state.types[input.getAttribute("data-type")] = on; });
        toggle.textContent = on ? "none" : "all";
        recompute();
      });
      box.appendChild(wrap);
    });
  }

  function buildLegend() {
    var counts = {};
    data.nodes.forEach(function (n) { counts[n.kind] = (counts[n.kind] || 0) + 1; });
    var list = document.getElementById("legend");
    data.kinds.forEach(function (k) {
      if (!counts[k.key]) { return; }
      list.appendChild(el("li", { "data-kind": k.key }, [
        el("span", { class: "dot", style: "background:" + k.color }),
        el("span", { text: k.label + " " }), el("span", { class: "n", text: "(" + counts[k.key] + ")" })
      ]));
    });
  }

  function buildSlider() {
    var slider = document.getElementById("year");
    var label = document.getElementById("year-label");
    slider.min = String(data.years[0]);
    slider.max = String(data.years[1] + 1);
    slider.value = slider.max;
    slider.addEventListener("input", function () {
      var value = Number(slider.value);
      state.year = value > data.years[1] ? ALL : value;
      label.textContent = state.year === ALL ? "all years" : String(state.year);
      recompute();
    });
  }

  /* ---------------------------------------------------------------- search */

  function search(text) {
    var wanted = fold(text).trim();
    if (!wanted) { return []; }
    var found = [];
    data.nodes.forEach(function (n) {
      var best = 9;
      n.search.forEach(function (label) {
        var folded = fold(label);
        var at = folded.indexOf(wanted);
        if (at < 0) { return; }
        var rank = folded === wanted ? 0 : at === 0 ? 1 : 2;
        if (rank < best) { best = rank; }
      });
      if (best < 9) { found.push([best, n.label, n]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1].localeCompare(b[1]); });
    return found.slice(0, 25).map(function (f) { return f[2]; });
  }

  function buildSearch() {
    var input = document.getElementById("search");
    var list = document.getElementById("search-results");
    function show() {
      list.textContent = "";
      search(input.value).forEach(function (n) {
        var item = el("li", { tabindex: "0", "data-id": n.id }, [
          n.label + " ", el("span", { class: "kind", text: (kindOf[n.kind] || {}).label || n.kind })
        ]);
        item.addEventListener("click", function () { choose(n.id); });
        item.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { choose(n.id); } });
        list.appendChild(item);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && list.firstChild) { choose(list.firstChild.getAttribute("data-id")); }
    });
  }

  function choose(id) {
    if (!shownNodes.has(id)) {  // make it visible again: back to all years and all links
      document.getElementById("year").value = document.getElementById("year").max;
      state.year = ALL;
      document.getElementById("year-label").textContent = "all years";
      Object.keys(state.types).forEach(function (k) { state.types[k] = true; });
      Array.prototype.forEach.call(document.querySelectorAll("#filters input"), function (i) { i.checked = true; });
      recompute();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 400 } });
    showDetails(id);
  }

  /* ---------------------------------------------------------------- details */

  function sourceList(refs, used) {
    return refs.map(function (g) {
      if (used.order.indexOf(g) < 0) { used.order.push(g); }
      return el("span", { class: "ref", title: passageText(g), text: "[" + (used.order.indexOf(g) + 1) + "]" });
    });
  }

  function passageText(g) {
    var p = data.passages[g];
    if (!p) { return g; }
    return [p.kind, p.title, p.locator].filter(Boolean).join(" — ");
  }

  function nodeLink(id) {
    var n = nodeById[id];
    if (!n) { return null; }
    var a = el("a", { class: "nodelink", tabindex: "0", text: n.label });
    a.addEventListener("click", function () { choose(id); });
    return a;
  }

  function showDetails(id) {
    var n = nodeById[id];
    var box = document.getElementById("details");
    box.textContent = "";
    if (!n) { return; }
    var used = { order: [] };
    box.setAttribute("data-node", id);
    box.appendChild(el("h2", { text: n.label }));
    box.appendChild(el("p", { class: "kind", text: (kindOf[n.kind] || {}).label || n.kind }));
    box.appendChild(el("p", { class: "iri", text: n.iri }));
    if (n.dates) { box.appendChild(el("p", { class: "hint", text: "Dates: " + n.dates })); }
    box.appendChild(el("p", { class: "hint", text: n.start ? "Shown from " + n.start + " (" + n.basis + ")" : "The data gives no date: shown at every date." }));

    var links = data.edges.filter(function (e) { return e.from === id || e.to === id; });
    if (links.length) {
      box.appendChild(el("h3", { text: "Links (" + links.length + ")" }));
      var ul = el("ul", { class: "linklist" });
      links.forEach(function (e) {
        var type = (typeOf[e.type] || {}).label || e.type;
        var outgoing = e.from === id;
        var other = nodeLink(outgoing ? e.to : e.from);
        var parts = outgoing ? [type + " ", other] : [other, " " + type + " this"];
        if (e.date) { parts.push(" (" + e.date + ")"); }
        parts.push(" ");
        var li = el("li", {}, parts.filter(Boolean));
        sourceList(e.sources, used).forEach(function (r) { li.appendChild(r); });
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }

    var facts = data.facts[id] || [];
    if (facts.length) {
      box.appendChild(el("h3", { text: "Facts (" + facts.length + ")" }));
      var table = el("table");
      facts.forEach(function (f) {
        var value = f.node && nodeById[f.node] ? nodeLink(f.node) : el("span", { text: f.value });
        var cell = el("td", {}, [value]);
        if (f.lang) { cell.appendChild(el("span", { class: "hint", text: " @" + f.lang })); }
        cell.appendChild(document.createTextNode(" "));
        sourceList(f.sources, used).forEach(function (r) { cell.appendChild(r); });
        table.appendChild(el("tr", {}, [el("th", { text: f.property }), cell]));
      });
      box.appendChild(table);
    }

    if (used.order.length) {
      box.appendChild(el("h3", { text: "Sources" }));
      var ol = el("ol", { class: "sources" });
      used.order.forEach(function (g) {
        var p = data.passages[g] || {};
        var li = el("li", { "data-graph": g }, [el("strong", { text: p.title || p.kind || g })]);
        if (p.locator) { li.appendChild(document.createTextNode(" — " + p.locator)); }
        if (p.kind && p.title) { li.appendChild(el("div", { class: "hint", text: p.kind })); }
        if (p.description) { li.appendChild(el("div", { class: "hint", text: p.description })); }
        li.appendChild(el("div", { class: "iri", text: g }));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
  }

  network.on("click", function (params) {
    if (params.nodes && params.nodes.length) { showDetails(params.nodes[0]); }
  });

  var subtitle = [data.nodes.length + " nodes and " + data.edges.length + " links"];
  if (data.asOf) { subtitle.push("as of " + data.asOf); }
  if (data.focus) { subtitle.push("around " + data.focus); }
  subtitle.push("built from the accsm-kg knowledge graph" + (data.version ? " " + data.version : ""));
  document.getElementById("subtitle").textContent = subtitle.join(" · ");

  buildFilters();
  buildLegend();
  buildSlider();
  buildSearch();
  window.accsmViz = { network: network, state: state, recompute: recompute, search: search, choose: choose };
})();
