// sitrep dashboard: plain JavaScript and SVG over the REST API.
//
// Safety rule: article text and every record field are untrusted web content. The DOM is built
// only with createElement / textContent / setAttribute on fixed attribute names; nothing here
// assigns innerHTML. Links to outside pages are only made for http(s) URLs.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const FILTERS = ["actor", "recipient", "type", "quad", "mode", "stance", "since", "until", "source", "q", "factuality", "doc_id"];
  const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#17becf"];
  const QUAD_COLORS = { verbal_cooperation: "#59a14f", material_cooperation: "#1b7837", verbal_conflict: "#f28e2b", material_conflict: "#d62728" };
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
    "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];

  // -- small DOM helpers ----------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      node.setAttribute(k, String(v));
    }
    for (const c of children) append(node, c);
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    }
    for (const c of children) append(node, c);
    return node;
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach((c) => append(node, c)); return; }
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function $(id) { return document.getElementById(id); }
  function safeUrl(url) {
    try {
      const u = new URL(String(url), window.location.href);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }
  function colorOf(group) {
    if (QUAD_COLORS[group]) return QUAD_COLORS[group];
    const i = TYPES.indexOf(group);
    return PALETTE[(i >= 0 ? i : 0) % PALETTE.length];
  }

  // -- state in the URL -----------------------------------------------------------------------
  function params() { return new URLSearchParams(window.location.search); }
  function filters(p, drop) {
    const out = new URLSearchParams();
    for (const k of FILTERS) {
      if (drop && drop.includes(k)) continue;
      const v = p.get(k);
      if (v) out.set(k, v);
    }
    return out;
  }
  function go(changes, replace) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === "") p.delete(k); else p.set(k, v);
    }
    const url = "?" + p.toString();
    if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
    render();
  }
  function link(changes, text, cls) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined) p.delete(k); else p.set(k, v);
    }
    const a = el("a", { href: "?" + p.toString(), class: cls || null }, text);
    a.addEventListener("click", (ev) => { ev.preventDefault(); go(changes); });
    return a;
  }
  function readerLink(docId, kind, id, text) {
    return link({ view: "reader", doc: docId, hl: kind + ":" + id }, text || "read in article", "sentence-link");
  }

  // -- API ------------------------------------------------------------------------------------
  // A server started with --token needs it on every API call; the page asks once per tab.
  function token() { return sessionStorage.getItem("sitrep-token"); }
  function askToken() {
    const box = clear($("status"));
    const input = el("input", { type: "password", id: "token", "aria-label": "API token", placeholder: "API token" });
    const form = el("form", { id: "token-form" }, "This server needs its API token: ", input, el("button", { type: "submit" }, "Use token"));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); sessionStorage.setItem("sitrep-token", input.value); render(); });
    box.appendChild(form);
  }
  async function api(path, query) {
    const url = "/api/" + path + (query && query.toString() ? "?" + query.toString() : "");
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    const r = await fetch(url, { headers });
    const body = await r.json();
    if (r.status === 401) { const e = new Error("401"); e.needsToken = true; throw e; }
    if (!r.ok) {
      const e = (body && body.error) || {};
      throw new Error((e.code || r.status) + ": " + (e.message || "request failed"));
    }
    return body;
  }
  function status(text) { $("status").textContent = text || ""; }

  // -- shared record rendering ----------------------------------------------------------------
  function party(p) {
    if (!p) return "—";
    return (p.text || p.name || "?") + (p.code ? " [" + p.code + (p.sector ? "/" + p.sector : "") + "]" : "");
  }
  function eventItem(e) {
    const sentence = (e.evidence && e.evidence.sentence) || "";
    return el("li", { class: "event-row", "data-id": e.id },
      el("div", { class: "meta" },
        el("span", { class: "day" }, e.day || "undated"), " ",
        el("span", { class: "badge", "data-type": e.type }, e.type + (e.mode ? "/" + e.mode : "")), " ",
        el("span", { class: "who" }, party(e.actor), " → ", party(e.recipient)), " ",
        el("span", { class: "fact" }, e.factuality), " ",
        el("span", { class: "src" }, (e.document && (e.document.title || e.document.source)) || "")),
      el("blockquote", {}, sentence),
      readerLink(e.doc_id, "event", e.id));
  }
  function statementCard(s) {
    const via = (s.via || []).map((v) => v.text || v.name).filter(Boolean);
    return el("div", { class: "statement-card", "data-id": s.id, "data-stance": s.stance },
      el("div", { class: "speaker" }, party(s.speaker),
        s.speaker && s.speaker.refers_to ? el("span", { class: "refers" }, " (" + s.speaker.refers_to + ")") : null),
      via.length ? el("div", { class: "via" }, "via " + via.join(" → ")) : null,
      el("div", { class: "meta" },
        el("span", { class: "stance" }, s.stance), " ",
        el("span", { class: "cue" }, "“" + ((s.cue && s.cue.text) || "") + "”"), " ",
        el("span", { class: "day" }, s.day || s.date || "undated"), " ",
        el("span", { class: "src" }, (s.document && (s.document.source || s.document.title)) || "")),
      el("p", { class: "content" }, (s.content && s.content.text) || ""),
      el("blockquote", { class: "evidence" }, (s.evidence && s.evidence.sentence) || ""),
      readerLink(s.doc_id, "statement", s.id));
  }
  function fillEvents(list, items, more) {
    if (!more) clear(list);
    if (!items.length && !more) list.appendChild(el("li", { class: "empty" }, "No events match."));
    items.forEach((e) => list.appendChild(eventItem(e)));
  }

  // -- facets and filters ---------------------------------------------------------------------
  const FACET_FILTER = { type: "type", quad: "quad", actor: "actor", recipient: "recipient", mode: "mode", factuality: "factuality", source: "source", stance: "stance", speaker: "actor" };
  const FACET_TITLES = { type: "Event type", quad: "Quad class", actor: "Actor", recipient: "Recipient", mode: "Mode", factuality: "Factuality", source: "Source", stance: "Stance", speaker: "Speaker", kind: "Statement kind" };
  async function renderFacets(p) {
    const box = $("facets");
    const chips = clear($("chips"));
    let any = false;
    for (const k of FILTERS) {
      const v = p.get(k);
      if (!v) continue;
      any = true;
      const b = el("button", { type: "button", class: "chip", "data-filter": k }, k + ": " + v + " ×");
      b.addEventListener("click", () => go({ [k]: null }));
      chips.appendChild(b);
    }
    if (!any) chips.appendChild(el("p", { class: "hint" }, "None. Click a value below, or drag on the timeline."));
    const data = await api("facets", filters(p));
    clear(box);
    for (const [name, values] of Object.entries(data)) {
      const key = FACET_FILTER[name];
      if (!values.length) continue;
      const list = el("ul", {});
      for (const { value, count } of values) {
        const active = key && p.get(key) === String(value);
        const b = el("button", { type: "button", class: "facet" + (active ? " active" : ""), "data-facet": name, "data-value": value },
          el("span", {}, String(value)), el("span", { class: "count" }, String(count)));
        if (key) b.addEventListener("click", () => go({ [key]: active ? null : String(value) }));
        else b.disabled = true;
        list.appendChild(el("li", {}, b));
      }
      box.appendChild(el("section", { class: "facet-group" }, el("h3", {}, FACET_TITLES[name] || name), list));
    }
  }
  function renderExports(p) {
    const f = filters(p);
    const q = (extra) => { const x = new URLSearchParams(f); for (const [k, v] of Object.entries(extra)) x.set(k, v); return x.toString(); };
    $("export-csv").setAttribute("href", "/api/export/events?" + q({ format: "csv" }));
    $("export-parquet").setAttribute("href", "/api/export/events?" + q({ format: "parquet" }));
    $("export-plover").setAttribute("href", "/api/export/events?" + q({ format: "plover" }));
    $("export-gexf").setAttribute("href", "/api/network?" + q({ format: "gexf" }));
  }

  // -- timeline -------------------------------------------------------------------------------
  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  function addPeriod(day, by) {
    if (by === "week") return addDays(day, 7);
    if (by === "month") { const d = new Date(day + "T00:00:00Z"); d.setUTCMonth(d.getUTCMonth() + 1); return d.toISOString().slice(0, 10); }
    return addDays(day, 1);
  }
  async function renderTimeline(p) {
    const by = p.get("by") || "day";
    const group = p.get("group") || "type";
    $("tl-by").value = by;
    $("tl-group").value = group;
    // The chart is where the date range is chosen, so it ignores the range itself.
    const q = filters(p, ["since", "until"]);
    q.set("by", by); q.set("group", group);
    const data = await api("timeline", q);
    drawTimeline(data, p, by);
    const legend = clear($("timeline-legend"));
    data.groups.forEach((g) => {
      const b = el("button", { type: "button", class: "legend-item", "data-group": g },
        el("span", { class: "swatch", "data-color": colorOf(g) }), g);
      b.querySelector(".swatch").style.background = colorOf(g);
      b.addEventListener("click", () => go({ [group === "quad" ? "quad" : "type"]: g }));
      legend.appendChild(b);
    });
    await renderEventList(p, false);
  }
  function drawTimeline(data, p, by) {
    const box = clear($("timeline-chart"));
    if (!data.items.length) { box.appendChild(el("p", { class: "empty" }, "No dated events match.")); return; }
    const periods = data.totals.map((t) => t.period);
    // Clip to the 1st–99th percentile days unless a range is chosen: a 1941 date in one
    // article must not flatten a chart of 2019–2022 news.
    const hi = (data.range && data.range.p99) || periods[periods.length - 1];
    let lo = (data.range && data.range.p01) || periods[0];
    // At most about 1,200 bars (three years of days): the latest ones.
    const span = { day: 1200, week: 7 * 1200, month: 31 * 1200 }[by] || 1200;
    if (lo < addDays(hi, -span)) lo = addDays(hi, -span);
    const all = [];
    let d = periods.find((x) => addPeriod(x, by) > lo) || periods[0];
    while (d <= hi && all.length < 1300) { all.push(d); d = addPeriod(d, by); }
    if (!all.length) all.push(...periods);
    const hidden = data.totals.filter((t) => t.period < all[0] || t.period > all[all.length - 1]).reduce((n, t) => n + t.count, 0);
    const stacks = new Map(all.map((x) => [x, []]));
    data.items.forEach((it) => { if (stacks.has(it.period)) stacks.get(it.period).push(it); });
    const max = Math.max(1, ...[...stacks.values()].map((s) => s.reduce((n, it) => n + it.count, 0)));
    const W = Math.max(600, box.clientWidth || 900), H = 260, L = 36, B = 26, T = 8;
    const bw = (W - L - 8) / all.length;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, class: "timeline", role: "img", "aria-label": "Events per " + by });
    const y = (v) => H - B - (v / max) * (H - B - T);
    for (let t = 0; t <= 4; t++) {
      const v = Math.round((max * t) / 4);
      root.appendChild(svg("line", { x1: L, x2: W - 8, y1: y(v), y2: y(v), class: "grid" }));
      root.appendChild(svg("text", { x: L - 4, y: y(v) + 4, class: "axis", "text-anchor": "end" }, String(v)));
    }
    const since = p.get("since"), until = p.get("until");
    all.forEach((day, i) => {
      const x = L + i * bw;
      let acc = 0;
      const g = svg("g", { class: "bar", "data-day": day });
      const stack = stacks.get(day).slice().sort((a, b) => data.groups.indexOf(a.group) - data.groups.indexOf(b.group));
      const total = stack.reduce((n, it) => n + it.count, 0);
      if (since && until && day >= since && day <= until) g.setAttribute("class", "bar selected");
      stack.forEach((it) => {
        const r = svg("rect", { x: x + 0.5, width: Math.max(1, bw - 1), y: y(acc + it.count), height: Math.max(0, y(acc) - y(acc + it.count)), fill: colorOf(it.group), "data-group": it.group },
          svg("title", {}, `${day} ${it.group}: ${it.count}`));
        acc += it.count;
        g.appendChild(r);
      });
      g.setAttribute("data-count", String(total));
      root.appendChild(g);
    });
    const labels = Math.min(8, all.length);
    for (let k = 0; k < labels; k++) {
      const i = Math.round((k * (all.length - 1)) / Math.max(1, labels - 1));
      root.appendChild(svg("text", { x: L + i * bw + bw / 2, y: H - 8, class: "axis", "text-anchor": "middle" }, all[i]));
    }
    // Brush: drag to choose a range; a click without a drag chooses one period.
    const brush = svg("rect", { class: "brush", y: T, height: H - B - T, x: 0, width: 0 });
    root.appendChild(brush);
    const overlay = svg("rect", { class: "overlay", x: L, y: 0, width: W - L - 8, height: H - B });
    root.appendChild(overlay);
    const index = (ev) => {
      const pt = root.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      const loc = pt.matrixTransform(root.getScreenCTM().inverse());
      return Math.max(0, Math.min(all.length - 1, Math.floor((loc.x - L) / bw)));
    };
    let start = null;
    overlay.addEventListener("mousedown", (ev) => { start = index(ev); ev.preventDefault(); });
    overlay.addEventListener("mousemove", (ev) => {
      if (start === null) return;
      const i = index(ev), a = Math.min(start, i), b = Math.max(start, i);
      brush.setAttribute("x", L + a * bw); brush.setAttribute("width", (b - a + 1) * bw);
    });
    const finish = (ev) => {
      if (start === null) return;
      const i = index(ev), a = Math.min(start, i), b = Math.max(start, i);
      start = null;
      const last = addDays(addPeriod(all[b], by), -1);
      go({ since: all[a], until: by === "day" ? all[b] : last });
    };
    overlay.addEventListener("mouseup", finish);
    overlay.addEventListener("mouseleave", () => { start = null; brush.setAttribute("width", 0); });
    box.appendChild(root);
    if (hidden) box.appendChild(el("p", { class: "hint" }, `${hidden} events dated outside ${all[0]} – ${all[all.length - 1]} are not drawn (they are listed and counted).`));
  }
  let eventCursor = null;
  async function renderEventList(p, more) {
    const q = filters(p);
    q.set("limit", "50");
    if (more && eventCursor) q.set("cursor", eventCursor);
    const page = await api("events", q);
    eventCursor = page.next_cursor;
    const range = p.get("since") && p.get("until") ? (p.get("since") === p.get("until") ? " on " + p.get("since") : ` from ${p.get("since")} to ${p.get("until")}`) : "";
    $("events-heading").textContent = "Events" + range;
    fillEvents($("event-list"), page.items, more);
    $("events-more").hidden = !eventCursor;
  }

  // -- claims board ---------------------------------------------------------------------------
  async function renderClaims(p) {
    const data = await api("claims", filters(p));
    const box = clear($("claims"));
    if (!data.items.length) { box.appendChild(el("p", { class: "empty" }, "No grouped or contradicting statements match.")); return; }
    data.items.forEach((g) => {
      const byId = new Map(g.statements.map((s) => [s.id, s]));
      const section = el("section", { class: "claim-group", "data-id": g.id },
        el("h3", {}, g.proposition || g.label),
        el("p", { class: "hint" }, `${g.statements.length} statements, ${g.contradictions} contradicting pair(s)`));
      const paired = new Set();
      g.pairs.forEach((r) => {
        const a = byId.get(r.a), b = byId.get(r.b);
        if (!a || !b) return;
        paired.add(a.id); paired.add(b.id);
        section.appendChild(el("div", { class: "pair", "data-kind": r.kind },
          statementCard(a),
          el("div", { class: "versus" }, r.kind === "contradicts" ? "contradicts" : r.kind, el("small", {}, r.explanation || "")),
          statementCard(b)));
      });
      const rest = g.statements.filter((s) => !paired.has(s.id));
      if (rest.length) section.appendChild(el("div", { class: "others" }, rest.map(statementCard)));
      box.appendChild(section);
    });
  }

  // -- network --------------------------------------------------------------------------------
  async function renderNetwork(p) {
    const data = await api("network", filters(p));
    const box = clear($("network-chart"));
    if (!data.nodes.length) { box.appendChild(el("p", { class: "empty" }, "No actor → recipient events match.")); return; }
    const W = Math.max(600, box.clientWidth || 900), H = 640, cx = W / 2, cy = H / 2;
    const nodes = data.nodes.slice(0, 40);
    const keep = new Set(nodes.map((n) => n.id));
    const edges = data.edges.filter((e) => keep.has(e.source) && keep.has(e.target));
    // Circle layout, heaviest actors first: stable between reloads, readable at this size.
    const pos = new Map();
    const R = Math.min(W, H) / 2 - 60;
    nodes.forEach((n, i) => {
      const a = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      pos.set(n.id, { x: cx + R * Math.cos(a), y: cy + R * Math.sin(a) });
    });
    const maxW = Math.max(...edges.map((e) => e.weight), 1);
    const maxN = Math.max(...nodes.map((n) => n.weight), 1);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H, class: "network", role: "img", "aria-label": "Actor network" },
      svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))));
    edges.forEach((e) => {
      const a = pos.get(e.source), b = pos.get(e.target);
      const mx = (a.x + b.x) / 2 + (b.y - a.y) * 0.12, my = (a.y + b.y) / 2 - (b.x - a.x) * 0.12;
      const types = Object.entries(e.types).sort((x, y) => y[1] - x[1]);
      const path = svg("path", { d: `M${a.x},${a.y} Q${mx},${my} ${b.x},${b.y}`, class: "edge", "stroke-width": 1 + (5 * e.weight) / maxW,
        stroke: colorOf(types[0][0]), "marker-end": "url(#arrow)", "data-source": e.source, "data-target": e.target },
      svg("title", {}, `${e.source} → ${e.target}: ${e.weight} events (${types.map((t) => t[0] + " " + t[1]).join(", ")})`));
      path.addEventListener("click", () => showDyad(p, e));
      root.appendChild(path);
    });
    nodes.forEach((n) => {
      const q = pos.get(n.id);
      const g = svg("g", { class: "node", "data-id": n.id, transform: `translate(${q.x},${q.y})` },
        svg("circle", { r: 5 + (14 * Math.sqrt(n.weight)) / Math.sqrt(maxN) }),
        svg("text", { y: -4 - (14 * Math.sqrt(n.weight)) / Math.sqrt(maxN) - 2, "text-anchor": "middle" }, n.id),
        svg("title", {}, `${n.label} (${n.id}): ${n.weight} events`));
      g.addEventListener("click", () => go({ actor: n.id, view: "timeline" }));
      root.appendChild(g);
    });
    box.appendChild(root);
  }
  async function showDyad(p, e) {
    const q = filters(p); q.set("actor", e.source); q.set("recipient", e.target); q.set("limit", "50");
    const page = await api("events", q);
    $("network-heading").textContent = `${e.source} → ${e.target}: ${e.weight} events`;
    fillEvents($("network-events"), page.items, false);
  }

  // -- map ------------------------------------------------------------------------------------
  let world = null;
  async function renderMap(p) {
    const box = clear($("map-chart"));
    const W = Math.max(600, box.clientWidth || 900), H = W / 2;
    const x = (lon) => ((lon + 180) / 360) * W, y = (lat) => ((90 - lat) / 180) * H;
    if (!world) {
      const r = await fetch("/static/vendor/countries-110m.json");
      world = await r.json();
    }
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", class: "map", role: "img", "aria-label": "Map of event locations" });
    root.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, class: "sea" }));
    const countries = window.topojson.feature(world, world.objects.countries).features;
    countries.forEach((f) => {
      const polys = f.geometry ? (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates) : [];
      let d = "";
      polys.forEach((poly) => poly.forEach((ring) => {
        let prev = null;
        ring.forEach(([lon, lat]) => {
          // Break the line where a ring crosses the antimeridian instead of drawing across the map.
          const jump = prev !== null && Math.abs(lon - prev) > 180;
          d += (prev === null || jump ? "M" : "L") + x(lon).toFixed(1) + "," + y(lat).toFixed(1);
          prev = lon;
        });
        d += "Z";
      }));
      root.appendChild(svg("path", { d, class: "land" }, svg("title", {}, (f.properties && f.properties.name) || "")));
    });
    const data = await api("locations", filters(p));
    const max = Math.max(1, ...data.items.map((i) => i.count));
    data.items.forEach((place) => {
      const c = svg("circle", { cx: x(place.lon), cy: y(place.lat), r: 3 + (12 * Math.sqrt(place.count)) / Math.sqrt(max), class: "place", "data-name": place.name },
        svg("title", {}, `${place.name}${place.country ? " (" + place.country + ")" : ""}: ${place.count} events`));
      c.addEventListener("click", () => showPlace(place));
      root.appendChild(c);
    });
    box.appendChild(root);
    if (!data.items.length) box.appendChild(el("p", { class: "empty" }, "No located events match."));
  }
  async function showPlace(place) {
    $("map-heading").textContent = `${place.name}: ${place.count} events`;
    const events = await Promise.all(place.event_ids.map((id) => api("events/" + encodeURIComponent(id))));
    fillEvents($("map-events"), events, false);
  }

  // -- reader ---------------------------------------------------------------------------------
  async function renderReader(p) {
    const docId = p.get("doc");
    const box = clear($("reader"));
    const panel = clear($("record-panel"));
    if (!docId) { await documentList(box, panel, p); return; }
    const doc = await api("documents/" + encodeURIComponent(docId));
    const url = safeUrl(doc.url);
    box.appendChild(el("h2", { class: "title" }, doc.title || "(untitled)"));
    box.appendChild(el("p", { class: "meta" }, [doc.published, doc.source].filter(Boolean).join(" · "), " ",
      url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original") : (doc.url ? el("span", { class: "raw-url" }, doc.url) : null)));
    box.appendChild(el("p", { class: "legend-line" },
      el("span", { class: "hl-mention" }, "mention"), " ", el("span", { class: "hl-time" }, "time"), " ",
      el("span", { class: "hl-event" }, "event"), " ", el("span", { class: "hl-statement" }, "statement"), " ", el("span", { class: "hl-cue" }, "cue")));
    const anns = [];
    (doc.mentions || []).forEach((m) => anns.push({ kind: "mention", start: m.start, end: m.end, rec: m }));
    (doc.time_refs || []).forEach((t) => anns.push({ kind: "time", start: t.start, end: t.end, rec: t }));
    (doc.events || []).forEach((e) => {
      const trig = e.evidence && e.evidence.trigger;
      anns.push({ kind: "event", start: trig ? trig.start : e.evidence.start, end: trig ? trig.end : e.evidence.end, rec: e, sentence: e.evidence });
    });
    (doc.statements || []).forEach((s) => {
      const segs = (s.content && s.content.segments) || (s.content ? [s.content] : []);
      segs.forEach((seg) => anns.push({ kind: "statement", start: seg.start, end: seg.end, rec: s, sentence: s.evidence }));
      if (s.cue && s.cue.start !== undefined && s.cue.start !== null) anns.push({ kind: "cue", start: s.cue.start, end: s.cue.end, rec: s, sentence: s.evidence });
    });
    const text = doc.text || "";
    const target = p.get("hl");
    let focus = null;
    if (target) {
      const [kind, id] = [target.slice(0, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
      const a = anns.find((x) => (x.kind === kind || (kind === "statement" && x.kind === "statement")) && x.rec.id === id);
      if (a && a.sentence) focus = { start: a.sentence.start, end: a.sentence.end, ann: a };
    }
    const cuts = new Set([0, text.length]);
    anns.forEach((a) => { if (a.start >= 0 && a.end <= text.length && a.start < a.end) { cuts.add(a.start); cuts.add(a.end); } });
    if (focus) { cuts.add(Math.max(0, focus.start)); cuts.add(Math.min(text.length, focus.end)); }
    const points = [...cuts].sort((a, b) => a - b);
    const body = el("div", { class: "text" });
    let focusNode = null;
    for (let i = 0; i + 1 < points.length; i++) {
      const s = points[i], e = points[i + 1];
      const covering = anns.filter((a) => a.start <= s && a.end >= e);
      const inFocus = focus && s >= focus.start && e <= focus.end;
      const piece = text.slice(s, e);
      if (!covering.length && !inFocus) { body.appendChild(document.createTextNode(piece)); continue; }
      const kinds = [...new Set(covering.map((a) => a.kind))];
      const span = el("span", { class: kinds.map((k) => "hl-" + k).join(" ") + (inFocus ? " hl-focus" : ""), "data-start": s, "data-end": e }, piece);
      if (covering.length) {
        span.setAttribute("tabindex", "0");
        span.addEventListener("click", () => showRecords(doc, covering));
      }
      if (inFocus && !focusNode) focusNode = span;
      body.appendChild(span);
    }
    box.appendChild(body);
    if (focus) {
      showRecords(doc, [focus.ann]);
      if (focusNode) focusNode.scrollIntoView({ block: "center" });
    } else {
      panel.appendChild(el("p", { class: "hint" }, "Click a highlight to see its record."));
      relationsSection(doc, panel, null);
    }
  }
  async function documentList(box, panel, p) {
    // No article chosen: the documents matching the filters, newest first.
    const q = new URLSearchParams();
    for (const k of ["source", "since", "until", "q"]) if (p.get(k)) q.set(k, p.get(k));
    q.set("limit", "100");
    const page = await api("documents", q);
    box.appendChild(el("h2", {}, "Articles"));
    box.appendChild(el("p", { class: "hint" }, "Open an article here or from any record (\"read in article\")."));
    const list = el("ol", { class: "records doc-list" });
    page.items.forEach((d) => list.appendChild(el("li", { "data-id": d.id },
      el("div", { class: "meta" }, [d.published, d.source].filter(Boolean).join(" · ")),
      link({ view: "reader", doc: d.id, hl: null }, d.title || d.id))));
    box.appendChild(list);
    panel.appendChild(el("p", { class: "hint" }, "Highlights: mentions, times, events, statements and cues."));
  }
  function recordBlock(doc, a) {
    const r = a.rec;
    const rows = [];
    const row = (k, v) => { if (v !== null && v !== undefined && v !== "") rows.push(el("tr", {}, el("th", {}, k), el("td", {}, String(v)))); };
    let title = a.kind;
    if (a.kind === "mention") {
      title = "Mention"; row("text", r.text); row("label", r.label); row("actor", r.actor_id); row("code", r.code); row("sector", r.sector);
    } else if (a.kind === "time") {
      title = "Time expression"; row("text", r.text); row("value", r.value); row("precision", r.precision);
    } else if (a.kind === "event") {
      title = "Event " + r.type + (r.mode ? "/" + r.mode : "");
      row("quad class", r.quad_class); row("actor", party(r.actor)); row("recipient", party(r.recipient)); row("date", r.date);
      row("factuality", r.factuality); row("confidence", r.confidence);
      if (r.location) row("location", r.location.name || r.location.text);
      if (r.quantity) row("quantity", r.quantity.text);
      row("sentence", r.evidence && r.evidence.sentence);
    } else {
      title = "Statement (" + r.stance + ", " + r.kind + ")";
      row("speaker", party(r.speaker)); row("via", (r.via || []).map((v) => v.text || v.name).join(" → "));
      row("cue", r.cue && r.cue.text); row("content", r.content && r.content.text); row("date", r.date);
    }
    const block = el("section", { class: "record", "data-kind": a.kind, "data-id": r.id || null }, el("h3", {}, title), el("table", {}, rows));
    if (a.kind === "mention" && r.code) block.appendChild(link({ view: "timeline", actor: r.code }, "events by " + r.code));
    return block;
  }
  function overlaps(s, evd) {
    return s.evidence && evd && s.evidence.start < evd.end && evd.start < s.evidence.end;
  }
  function showRecords(doc, covering) {
    const panel = clear($("record-panel"));
    const seen = new Set();
    covering.forEach((a) => {
      const key = a.kind === "cue" ? "statement:" + a.rec.id : a.kind + ":" + (a.rec.id || a.start);
      if (seen.has(key)) return;
      seen.add(key);
      panel.appendChild(recordBlock(doc, a.kind === "cue" ? { ...a, kind: "statement" } : a));
    });
    // Statements in the same sentence as a chosen event, and what contradicts them.
    const events = covering.filter((a) => a.kind === "event");
    const stIds = new Set(covering.filter((a) => a.kind === "statement" || a.kind === "cue").map((a) => a.rec.id));
    events.forEach((a) => (doc.statements || []).forEach((s) => { if (overlaps(s, a.rec.evidence)) stIds.add(s.id); }));
    if (events.length && stIds.size) {
      panel.appendChild(el("h3", {}, "Statements in this sentence"));
      (doc.statements || []).filter((s) => stIds.has(s.id)).forEach((s) => panel.appendChild(statementCard(s)));
    }
    relationsSection(doc, panel, stIds.size ? stIds : null);
  }
  function relationsSection(doc, panel, ids) {
    const rels = (doc.relations || []).filter((r) => !ids || ids.has(r.a) || ids.has(r.b));
    if (!rels.length) return;
    panel.appendChild(el("h3", { class: "contradictions-heading" }, ids ? "Contradicting and corroborating statements" : "Relations in this article"));
    rels.forEach((r) => {
      if (!r.a_record || !r.b_record) return;
      panel.appendChild(el("div", { class: "pair compact", "data-kind": r.kind },
        statementCard(r.a_record), el("div", { class: "versus" }, r.kind), statementCard(r.b_record)));
    });
  }

  // -- driver ---------------------------------------------------------------------------------
  const VIEWS = { timeline: renderTimeline, claims: renderClaims, network: renderNetwork, map: renderMap, reader: renderReader };
  let generation = 0;
  async function render() {
    const p = params();
    const view = VIEWS[p.get("view")] ? p.get("view") : "timeline";
    const mine = ++generation;
    document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== "view-" + view; });
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.getAttribute("data-view") === view));
    $("q").value = p.get("q") || "";
    renderExports(p);
    document.body.setAttribute("data-ready", "no");
    status("Loading…");
    try {
      await Promise.all([renderFacets(p), VIEWS[view](p)]);
      if (mine === generation) status("");
    } catch (err) {
      if (err.needsToken) askToken(); else status(String(err.message || err));
    } finally {
      if (mine === generation) document.body.setAttribute("data-ready", view);
    }
  }
  function init() {
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => go({ view: b.getAttribute("data-view") })));
    $("search").addEventListener("submit", (ev) => { ev.preventDefault(); go({ q: $("q").value.trim() || null }); });
    $("tl-by").addEventListener("change", () => go({ by: $("tl-by").value }));
    $("tl-group").addEventListener("change", () => go({ group: $("tl-group").value }));
    $("events-more").addEventListener("click", () => renderEventList(params(), true));
    window.addEventListener("popstate", render);
    render();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
