// The report's network: Cytoscape.js on the embedded data; search, filters and the facts panel.
// Text from the data is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var docs = data.documents;
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: data.network.elements,
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.05,
    maxZoom: 6,
    style: [
      { selector: "node", style: {
        "background-color": "data(color)", width: "data(size)", height: "data(size)",
        "border-width": 0.5, "border-color": "#333", label: "", "font-size": 11,
        "text-valign": "top", "text-margin-y": -3, "text-outline-color": "#fff", "text-outline-width": 2,
        "min-zoomed-font-size": 6 } },
      { selector: "node[?major]", style: { label: "data(label)", "border-width": 1.5, "font-size": 14 } },
      { selector: "edge", style: { width: 0.6, "line-color": "#bbb", "curve-style": "haystack", opacity: 0.7 } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: "node.match", style: { label: "data(label)", "border-width": 3, "border-color": "#000" } },
      { selector: "node:selected", style: { label: "data(label)", "border-width": 4, "border-color": "#c00", "z-index": 10 } },
      { selector: "edge.near", style: { "line-color": "#c00", width: 1.5, opacity: 1 } }
    ]
  });
  window.ecosystemReport = { cy: cy };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function source(d) {
    var p = el("span", null, "source");
    if (d.imported) { p.appendChild(el("span", "(" + d.imported + ")", "doc")); return p; }
    if (d.quote) { p.appendChild(el("q", d.quote)); p.appendChild(document.createTextNode(" ")); }
    if (d.doc) {
      var doc = el("span", "[" + d.doc + "]", "doc");
      if (docs[d.doc]) { doc.title = docs[d.doc]; }
      p.appendChild(doc);
    }
    return p;
  }

  // The facts panel: the node's kind, aliases and provenance, attributes, every relation's fact.
  var panel = document.getElementById("facts");
  function show(node) {
    var d = node.data();
    panel.replaceChildren();
    panel.appendChild(el("h3", d.label));
    panel.appendChild(el("p", d.kind.replace(/_/g, " ") + (d.subtype ? " (" + d.subtype + ")" : ""), "kind"));
    if (d.aliases.length) { panel.appendChild(el("p", "also: " + d.aliases.join("; "))); }
    var named = el("p", "named in ");
    named.appendChild(source(d));
    panel.appendChild(named);
    d.facts.forEach(function (f) {
      var p = el("p", f.attribute + " = " + f.value + " ");
      p.appendChild(source(f));
      panel.appendChild(p);
    });
    var edges = node.connectedEdges();
    panel.appendChild(el("h4", "Relations (" + edges.length + ")"));
    var ul = el("ul", null, "relations");
    edges.forEach(function (e) {
      var ed = e.data(), out = ed.source === d.id;
      var other = out ? e.target() : e.source();
      var li = el("li");
      li.appendChild(el("b", (out ? "\u2192 " : "\u2190 ") + ed.type));
      li.appendChild(document.createTextNode(" " + other.data("label") + (ed.role ? " (" + ed.role + ")" : "") +
        (ed.year ? " " + ed.year : "") + " "));
      li.appendChild(source(ed));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    cy.edges().removeClass("near");
    edges.addClass("near");
  }
  cy.on("tap", "node", function (evt) { show(evt.target); });

  function focus(node) {
    cy.elements().unselect();
    node.removeClass("hidden");
    node.select();
    cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 1.2) }, { duration: 200 });
    show(node);
  }

  // Search: a name or an alias containing the text (accents and case ignored).
  var search = document.getElementById("search"), results = document.getElementById("results");
  function runSearch() {
    var q = fold(search.value);
    cy.nodes().removeClass("match");
    results.replaceChildren();
    if (q.length < 2) { return; }
    var found = cy.nodes().filter(function (n) {
      return [n.data("label")].concat(n.data("aliases")).some(function (s) { return fold(s).indexOf(q) >= 0; });
    });
    found.addClass("match");
    found.slice(0, 20).forEach(function (n) {
      var li = el("li"), b = el("button", n.data("label"));
      b.type = "button";
      var alias = n.data("aliases").filter(function (s) { return fold(s).indexOf(q) >= 0; })[0];
      if (alias && fold(n.data("label")).indexOf(q) < 0) { li.appendChild(b); li.appendChild(el("small", " also: " + alias)); }
      else { li.appendChild(b); }
      b.addEventListener("click", function () { focus(n); });
      results.appendChild(li);
    });
    if (found.length > 20) { results.appendChild(el("li", "and " + (found.length - 20) + " more")); }
    if (!found.length) { results.appendChild(el("li", "no node matches")); }
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (evt) {
    if (evt.key === "Enter") { var m = cy.nodes(".match"); if (m.length) { focus(m[0]); } }
  });

  // Filters: the checked kinds, and with a theme the nodes that work in it.
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#kinds input"));
  var theme = document.getElementById("theme"), count = document.getElementById("count");
  function filter() {
    var kinds = {};
    boxes.forEach(function (b) { kinds[b.value] = b.checked; });
    var t = theme.value;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var on = kinds[n.data("kind")] && (!t || n.data("themes").indexOf(t) >= 0);
        if (on) { n.removeClass("hidden"); } else { n.addClass("hidden"); }
      });
    });
    var shown = cy.nodes().filter(function (n) { return !n.hasClass("hidden"); }).length;
    count.textContent = shown + " of " + cy.nodes().length + " nodes shown";
    count.setAttribute("data-shown", String(shown));
  }
  boxes.forEach(function (b) { b.addEventListener("change", filter); });
  theme.addEventListener("change", filter);
  filter();
})();
