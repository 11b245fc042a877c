// The map of the library (templates/map.html): fetches the page's JSON twin
// and draws every paper as a point on a 2-D canvas, coloured by cluster, with
// the cluster labels at their centres. Wheel zooms about the pointer, a drag
// pans, pointing at a point shows its title and a click opens its paper.
//
// Smooth at 100k points without WebGL: the points are written straight into
// the pixels of one ImageData (a few array writes a point, only those in
// view) and put on the canvas at once; the few highlighted points and the
// labels are drawn over them with the canvas API. A frame is drawn only when
// something changed. Hover uses a grid of the points in map units, so finding
// the nearest point reads a few cells.
(() => {
  "use strict";
  const canvas = document.getElementById("map");
  if (!canvas) return;
  const frame = canvas.parentElement;
  const tip = document.getElementById("map-tip");
  const status = document.getElementById("map-status");
  const ctx = canvas.getContext("2d");
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  const MATCH = 1, UPVOTED = 2, SAVED = 4, SHOWN = 8;
  const GRID = 160; // cells a side of the hover grid

  let data = null, n = 0, xs, ys, cl, flags, byCluster = [], emphasis = [];
  let dimOthers = 0; // the flag a point needs not to be dimmed (0: none dimmed)
  let scale = 1, tx = 0, ty = 0, fitScale = 1, width = 0, height = 0;
  let grid = null, gx0 = 0, gy0 = 0, gcell = 1, hovered = -1, queued = false;
  let bounds = [0, 0, 0, 0];
  let dpr = 1, image = null, pixels = null, packed = [], packedDim = [];

  const colour = (c, alpha) => {
    const hue = (c * 137.508 + 200) % 360;
    return `hsla(${hue.toFixed(1)}, 62%, ${dark ? 62 : 45}%, ${alpha})`;
  };

  // A cluster's colour as one little-endian RGBA pixel, for the ImageData.
  function pixel(c, alpha) {
    const h = ((c * 137.508 + 200) % 360) / 360, s = 0.62, l = (dark ? 62 : 45) / 100;
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
    const channel = (t) => {
      t = (t + 1) % 1;
      const v = t < 1 / 6 ? p + (q - p) * 6 * t : t < 1 / 2 ? q : t < 2 / 3 ? p + (q - p) * (2 / 3 - t) * 6 : p;
      return Math.round(v * 255);
    };
    const [r, g, b] = [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)];
    return ((Math.round(alpha * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
  }

  function say(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function load() {
    fetch(canvas.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(start)
      .catch((e) => say(`The map could not be loaded (${e.message}).`));
  }

  function start(json) {
    data = json;
    const p = json.papers;
    n = p.ids.length;
    xs = Float32Array.from(p.x);
    ys = Float32Array.from(p.y);
    cl = Int32Array.from(p.cluster);
    flags = new Uint8Array(n);
    const mark = (list, flag) => { for (const i of list || []) flags[i] |= flag; };
    mark(json.matches, MATCH);
    mark(json.upvoted, UPVOTED);
    mark(json.saved, SAVED);
    if (json.selection) { mark(json.selection.shown, SHOWN); dimOthers = SHOWN; }
    else if (json.query) dimOthers = MATCH;
    const k = json.clusters.length;
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[cl[i]]++;
    byCluster = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(k);
    for (let i = 0; i < n; i++) byCluster[cl[i]][fill[cl[i]]++] = i;
    packed = Array.from({ length: k }, (_, c) => pixel(c, 0.85));
    packedDim = Array.from({ length: k }, (_, c) => pixel(c, 0.12));
    emphasis = [];
    for (let i = 0; i < n; i++) if (flags[i] & (MATCH | UPVOTED | SAVED)) emphasis.push(i);
    document.querySelectorAll(".swatch[data-cluster]").forEach((el) => {
      el.style.background = colour(Number(el.dataset.cluster), 1);
    });
    buildGrid();
    resize();
    fit();
    say("");
    canvas.dataset.ready = "true";
  }

  function buildGrid() {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]);
      y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
    }
    gx0 = x0; gy0 = y0;
    bounds = [x0, y0, x1, y1];
    gcell = Math.max(x1 - x0, y1 - y0, 1e-6) / GRID;
    const cells = new Map();
    for (let i = 0; i < n; i++) {
      const key = cellKey(Math.floor((xs[i] - gx0) / gcell), Math.floor((ys[i] - gy0) / gcell));
      const list = cells.get(key);
      if (list) list.push(i); else cells.set(key, [i]);
    }
    grid = cells;
  }

  const cellKey = (cx, cy) => cx * 100003 + cy;

  function resize() {
    dpr = window.devicePixelRatio || 1;
    width = frame.clientWidth;
    height = frame.clientHeight;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    image = ctx.createImageData(canvas.width, canvas.height);
    pixels = new Uint32Array(image.data.buffer);
  }

  function fit() {
    if (!n) { draw(); return; }
    const [x0, y0, x1, y1] = bounds;
    const spanX = Math.max(x1 - x0, 1e-6), spanY = Math.max(y1 - y0, 1e-6);
    fitScale = scale = 0.9 * Math.min(width / spanX, height / spanY);
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    tx = width / 2 - cx * scale;
    ty = height / 2 + cy * scale;
    redraw();
  }

  // Map units to CSS pixels of the canvas, and back; y grows upwards on the map.
  const sx = (x) => x * scale + tx;
  const sy = (y) => ty - y * scale;
  const mx = (px) => (px - tx) / scale;
  const my = (py) => (ty - py) / scale;

  function radius() {
    const base = n > 50000 ? 1.1 : n > 5000 ? 1.6 : 2.6;
    return Math.min(7, base * Math.sqrt(scale / fitScale));
  }

  function redraw() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; draw(); });
  }

  function draw() {
    ctx.clearRect(0, 0, width, height);
    if (!data) return;
    const r = radius();
    drawPoints(r);
    drawEmphasis(r);
    drawLabels();
    if (hovered >= 0) ring(hovered, r + 4, dark ? "#fff" : "#000", 2);
  }

  // Every point as a square of pixels: dimmed ones first, so the rest cover them.
  function drawPoints(r) {
    const w = canvas.width, h = canvas.height, side = Math.max(1, Math.round(2 * r * dpr));
    const half = side / 2, k = scale * dpr, ox = tx * dpr - half, oy = ty * dpr - half;
    pixels.fill(0);
    for (const dim of dimOthers ? [true, false] : [false]) {
      for (let c = 0; c < byCluster.length; c++) {
        const members = byCluster[c], colourOf = dim ? packedDim[c] : packed[c];
        for (let j = 0; j < members.length; j++) {
          const i = members[j];
          if (dimOthers && ((flags[i] & dimOthers) === 0) !== dim) continue;
          const px = Math.round(xs[i] * k + ox), py = Math.round(oy - ys[i] * k);
          if (px < 0 || py < 0 || px + side > w || py + side > h) continue;
          for (let row = py * w + px, end = (py + side) * w; row < end; row += w) {
            pixels.fill(colourOf, row, row + side);
          }
        }
      }
    }
    ctx.putImageData(image, 0, 0);
  }

  function drawEmphasis(r) {
    for (const i of emphasis) {
      const f = flags[i], x = sx(xs[i]), y = sy(ys[i]);
      if (x < -10 || x > width + 10 || y < -10 || y > height + 10) continue;
      if (f & SAVED) {
        ctx.beginPath();
        ctx.arc(x, y, r + 2.5, 0, 2 * Math.PI);
        ctx.fillStyle = colour(cl[i], 1);
        ctx.fill();
      }
      if (f & (SAVED | UPVOTED)) ring(i, r + 3, dark ? "#ffd166" : "#b35c00", 2);
      if (f & MATCH) ring(i, r + 1.5, dark ? "#fff" : "#111", 1.5);
    }
  }

  function ring(i, size, style, lineWidth) {
    ctx.beginPath();
    ctx.arc(sx(xs[i]), sy(ys[i]), size, 0, 2 * Math.PI);
    ctx.strokeStyle = style;
    ctx.lineWidth = lineWidth;
    ctx.stroke();
  }

  function drawLabels() {
    ctx.font = "600 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (const c of data.clusters) {
      if (!c.size) continue;
      const x = sx(c.x), y = sy(c.y);
      if (x < -200 || x > width + 200 || y < -20 || y > height + 20) continue;
      ctx.lineWidth = 4;
      ctx.strokeStyle = dark ? "rgba(15,17,21,.85)" : "rgba(255,255,255,.9)";
      ctx.strokeText(c.label, x, y);
      ctx.fillStyle = dark ? "#e6e8eb" : "#1c1e21";
      ctx.fillText(c.label, x, y);
    }
  }

  function nearest(px, py) {
    if (!grid) return -1;
    const reach = (radius() + 4) / scale, x = mx(px), y = my(py);
    const cx0 = Math.floor((x - reach - gx0) / gcell), cx1 = Math.floor((x + reach - gx0) / gcell);
    const cy0 = Math.floor((y - reach - gy0) / gcell), cy1 = Math.floor((y + reach - gy0) / gcell);
    if ((cx1 - cx0) * (cy1 - cy0) > 400) return -1; // zoomed far out: too many to tell apart
    let best = -1, bestD = reach * reach;
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = grid.get(cellKey(cx, cy));
        if (!list) continue;
        for (const i of list) {
          const dx = xs[i] - x, dy = ys[i] - y, dd = dx * dx + dy * dy;
          if (dd <= bestD) { best = i; bestD = dd; }
        }
      }
    }
    return best;
  }

  function hover(px, py) {
    const found = nearest(px, py);
    if (found === hovered) return;
    hovered = found;
    canvas.classList.toggle("pointing", found >= 0);
    if (found < 0) {
      tip.hidden = true;
    } else {
      tip.textContent = data.papers.titles[found];
      tip.hidden = false;
      const left = Math.min(px + 14, width - tip.offsetWidth - 6);
      tip.style.left = `${Math.max(6, left)}px`;
      tip.style.top = `${py + 16 > height - 40 ? py - 40 : py + 16}px`;
    }
    redraw();
  }

  function zoom(factor, px, py) {
    const next = Math.min(fitScale * 400, Math.max(fitScale * 0.5, scale * factor));
    const x = mx(px), y = my(py);
    scale = next;
    tx = px - x * scale;
    ty = py + y * scale;
    redraw();
  }

  const local = (e) => {
    const box = canvas.getBoundingClientRect();
    return [e.clientX - box.left, e.clientY - box.top];
  };

  let drag = null;
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [px, py] = local(e);
    zoom(Math.exp(-e.deltaY * 0.0015), px, py);
  }, { passive: false });
  canvas.addEventListener("pointerdown", (e) => {
    const [px, py] = local(e);
    drag = { px, py, tx, ty, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    const [px, py] = local(e);
    if (drag) {
      if (Math.abs(px - drag.px) + Math.abs(py - drag.py) > 4) drag.moved = true;
      if (drag.moved) {
        canvas.classList.add("dragging");
        tx = drag.tx + px - drag.px;
        ty = drag.ty + py - drag.py;
        tip.hidden = true;
        redraw();
        return;
      }
    }
    hover(px, py);
  });
  canvas.addEventListener("pointerup", (e) => {
    const [px, py] = local(e);
    const click = drag && !drag.moved;
    drag = null;
    canvas.classList.remove("dragging");
    if (click) {
      const i = nearest(px, py);
      if (i >= 0) window.location.assign(data.papers.urls[i]);
    }
  });
  canvas.addEventListener("pointerleave", () => {
    if (!drag) { hovered = -1; tip.hidden = true; redraw(); }
  });
  canvas.addEventListener("keydown", (e) => {
    const step = 60;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (e.key === "+" || e.key === "=") zoom(1.25, width / 2, height / 2);
    else if (e.key === "-") zoom(0.8, width / 2, height / 2);
    else if (e.key === "0") fit();
    else if (moves[e.key]) { tx += moves[e.key][0]; ty += moves[e.key][1]; redraw(); }
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  document.getElementById("map-reset")?.addEventListener("click", fit);
  window.addEventListener("resize", () => { if (data) { resize(); fit(); } });

  // For tests and the curious: where a paper is drawn, in page coordinates.
  window.paperscopeMap = {
    count: () => n,
    pointOf(id) {
      const i = data ? data.papers.ids.indexOf(id) : -1;
      if (i < 0) return null;
      const box = canvas.getBoundingClientRect();
      return { x: box.left + sx(xs[i]), y: box.top + sy(ys[i]), title: data.papers.titles[i] };
    },
  };
  load();
})();
