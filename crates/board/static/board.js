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

  function safeUrl(url) {
    var u = String(url || "").trim();
    return /^https?:\/\//i.test(u) ? u : null;
  }

  function displayTime(iso) {
    var s = String(iso || "");
    return s.length >= 16 ? s.slice(0, 10) + " " + s.slice(11, 16) + " UTC" : s;
  }

  // An avatar that fails to load is removed, so the initials under it show instead of
  // a broken image. Also for the server's images that failed before this script ran.
  function dropBroken(img) {
    if (img.parentNode) img.parentNode.removeChild(img);
  }
  function watchAvatar(img) {
    img.addEventListener("error", function () { dropBroken(img); });
    if (img.complete && img.naturalWidth === 0) dropBroken(img);
  }

  function avatar(t) {
    var span = el("span", "avatar");
    span.setAttribute("aria-hidden", "true");
    span.appendChild(el("span", "initials", t.initials || ""));
    var url = safeUrl(t.image_url);
    if (url) {
      var img = document.createElement("img");
      img.setAttribute("alt", "");
      img.setAttribute("width", "48");
      img.setAttribute("height", "48");
      img.setAttribute("referrerpolicy", "no-referrer");
      watchAvatar(img);
      img.setAttribute("src", url);
      span.appendChild(img);
    }
    return span;
  }

  // Name and handle, each bidi-isolated so right-to-left or control characters in one
  // cannot reorder the rest of the line.
  function account(p, name, screenName) {
    p.appendChild(el("bdi", "name", name || ""));
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("bdi", "handle", "@" + (screenName || "")));
    return p;
  }

  // The text from the API's segments: plain text as text nodes, links as anchors to
  // http(s) URLs only (checked again here), marked as user content.
  function text(t) {
    var p = el("p", "text");
    var segments = Array.isArray(t.segments) ? t.segments : [{ kind: "text", text: t.text }];
    segments.forEach(function (s) {
      var href = s && s.kind === "link" ? safeUrl(s.href) : null;
      if (href) {
        var a = el("a", null, String(s.text || ""));
        a.setAttribute("href", href);
        a.setAttribute("rel", "nofollow noopener ugc");
        p.appendChild(a);
      } else {
        p.appendChild(document.createTextNode(String((s && s.text) || "")));
      }
    });
    return p;
  }

  function renderTweet(t) {
    var li = el("li", "tweet " + (t.prediction === "OFF" ? "off" : "on"));
    li.setAttribute("data-id", String(t.tweet_id));
    li.appendChild(avatar(t));
    var body = el("div", "body");
    if (t.retweeted_by) {
      var rt = el("p", "rt", "retweeted by ");
      body.appendChild(account(rt, t.retweeted_by.name, t.retweeted_by.screen_name));
    }
    body.appendChild(account(el("p", "who"), t.name, t.screen_name));
    body.appendChild(text(t));
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

  Array.prototype.forEach.call(document.querySelectorAll(".avatar img"), watchAvatar);
  refresh();
  setInterval(refresh, 15000);
})();
