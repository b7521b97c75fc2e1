// Refreshes the board without a reload. Builds every node with textContent and
// setAttribute, never innerHTML: tweet fields are hostile input.
"use strict";
(function () {
  var prediction = document.body.getAttribute("data-prediction") === "OFF" ? "OFF" : "ON";
  var list = document.getElementById("tweets");
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function safeImage(url) {
    var u = String(url || "").trim();
    return /^https?:\/\//i.test(u) ? u : null;
  }

  function displayTime(iso) {
    var s = String(iso || "");
    return s.length >= 16 ? s.slice(0, 10) + " " + s.slice(11, 16) + " UTC" : s;
  }

  function renderTweet(t) {
    var li = el("li", "tweet " + (t.prediction === "OFF" ? "off" : "on"));
    li.setAttribute("data-id", String(t.tweet_id));
    var img = safeImage(t.image_url);
    if (img) {
      var a = document.createElement("img");
      a.className = "avatar";
      a.setAttribute("src", img);
      a.setAttribute("alt", "");
      a.setAttribute("width", "48");
      a.setAttribute("height", "48");
      a.setAttribute("referrerpolicy", "no-referrer");
      li.appendChild(a);
    } else {
      li.appendChild(el("span", "avatar none"));
    }
    var body = el("div", "body");
    var who = el("p", "who");
    who.appendChild(el("span", "name", t.name || ""));
    who.appendChild(document.createTextNode(" "));
    who.appendChild(el("span", "handle", "@" + (t.screen_name || "")));
    body.appendChild(who);
    body.appendChild(el("p", "text", t.text || ""));
    var meta = el("p", "meta");
    var time = el("time", null, displayTime(t.created_at));
    time.setAttribute("datetime", String(t.created_at || ""));
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · "));
    meta.appendChild(el("span", "confidence", t.prediction + " " + (Math.floor(Number(t.probability) * 10) / 10).toFixed(1) + "%"));
    body.appendChild(meta);
    li.appendChild(body);
    return li;
  }

  function renderChart(buckets) {
    var svg = document.getElementById("chart");
    if (!svg || !buckets.length) return;
    var width = 720, height = 140, pad = 18;
    var max = 1;
    buckets.forEach(function (b) { max = Math.max(max, b.on + b.off); });
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var slot = width / buckets.length, bar = Math.max(1, slot * 0.7);
    buckets.forEach(function (b, i) {
      var x = i * slot + (slot - bar) / 2, onH = b.on / max * height, offH = b.off / max * height;
      var g = document.createElementNS(SVG, "g");
      var title = document.createElementNS(SVG, "title");
      title.textContent = b.start + ": " + b.on + " on topic, " + b.off + " junk";
      g.appendChild(title);
      [[height - onH, onH, "#2e7d32"], [height - onH - offH, offH, "#b0b0b0"]].forEach(function (r) {
        var rect = document.createElementNS(SVG, "rect");
        rect.setAttribute("x", x.toFixed(1)); rect.setAttribute("y", r[0].toFixed(1));
        rect.setAttribute("width", bar.toFixed(1)); rect.setAttribute("height", r[1].toFixed(1));
        rect.setAttribute("fill", r[2]);
        g.appendChild(rect);
      });
      svg.appendChild(g);
      if (i % 6 === 0) {
        var label = document.createElementNS(SVG, "text");
        label.setAttribute("x", x.toFixed(1)); label.setAttribute("y", String(height + pad - 4));
        label.setAttribute("font-size", "11"); label.setAttribute("fill", "#555");
        label.textContent = String(b.start).slice(11, 16);
        svg.appendChild(label);
      }
    });
  }

  function refresh() {
    fetch("/api/tweets?prediction=" + prediction + "&limit=50", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (page) {
        var items = page.items || [];
        while (list.firstChild) list.removeChild(list.firstChild);
        if (!items.length) list.appendChild(el("li", "empty", "No tweets yet."));
        items.forEach(function (t) { list.appendChild(renderTweet(t)); });
        document.body.setAttribute("data-refreshed", new Date().toISOString());
      })
      .catch(function () { /* keep what is shown; try again next time */ });
    fetch("/api/stats?hours=24", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) { renderChart(s.buckets || []); })
      .catch(function () {});
  }

  refresh();
  setInterval(refresh, 15000);
})();
