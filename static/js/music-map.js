// The music map: draws /map/points.json on a canvas, coloured by mood family; hover shows a track,
// click plays it, a drag draws a lasso whose tracks /map/region.json returns in play order.
// No library: 10k points are one pass of arc() calls, and hover uses a coarse grid, not a scan.
(function () {
  "use strict";
  const canvas = document.getElementById("music-map");
  if (!canvas) return;
  const ctx = canvas.getContext("2d");
  const tooltip = document.getElementById("map-tooltip");
  const audio = document.getElementById("map-audio");
  const queueList = document.getElementById("map-queue");
  const playRegion = document.getElementById("map-play-region");
  const status = document.getElementById("map-status");
  const colours = Object.fromEntries(
    JSON.parse(document.getElementById("map-families").textContent).map((f) => [f.name, f.colour])
  );
  const GRID = 40;
  const RADIUS = 3;
  let data = null;
  let grid = new Map();
  let lasso = [];
  let dragging = false;
  let queue = [];
  let focusFamilies = null;  // mood families a sentence asked for: the rest of the map is dimmed

  const toCanvas = (p) => [p.x * canvas.width, p.y * canvas.height];
  const toMap = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height];
  };

  function index() {
    grid = new Map();
    for (const p of data.points) {
      const key = Math.floor(p.x * GRID) + "," + Math.floor(p.y * GRID);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(p);
    }
  }

  function nearest(x, y) {
    let best = null;
    let bestD = (12 / canvas.getBoundingClientRect().width) ** 2;
    const gx = Math.floor(x * GRID), gy = Math.floor(y * GRID);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const p of grid.get(gx + dx + "," + (gy + dy)) || []) {
          const d = (p.x - x) ** 2 + (p.y - y) ** 2;
          if (d < bestD) { best = p; bestD = d; }
        }
      }
    }
    return best;
  }

  function draw() {
    ctx.fillStyle = "#14141c";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!data) return;
    for (const p of data.points) {
      const [cx, cy] = toCanvas(p);
      ctx.globalAlpha = !focusFamilies || focusFamilies.has(p.family) ? 0.85 : 0.12;
      ctx.fillStyle = colours[p.family] || "#888";
      ctx.beginPath();
      ctx.arc(cx, cy, RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    const liked = new Set(data.liked);
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    for (const p of data.points) {
      if (!liked.has(p.id)) continue;
      const [cx, cy] = toCanvas(p);
      ctx.beginPath();
      ctx.arc(cx, cy, RADIUS + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (data.liked_centre) {
      const [cx, cy] = toCanvas(data.liked_centre);
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.moveTo(cx - 9, cy); ctx.lineTo(cx + 9, cy); ctx.moveTo(cx, cy - 9); ctx.lineTo(cx, cy + 9);
      ctx.stroke();
    }
    if (lasso.length > 1) {
      ctx.strokeStyle = "#ffffff";
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      lasso.forEach(([x, y], i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x * canvas.width, y * canvas.height));
      ctx.closePath();
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  function showTooltip(p, event) {
    if (!p) { tooltip.hidden = true; return; }
    tooltip.replaceChildren();
    const title = document.createElement("div");
    title.textContent = p.title + " · " + p.artist;
    const moods = document.createElement("div");
    moods.className = "moods";
    moods.textContent = [p.family, ...p.moods].filter(Boolean).join(", ");
    tooltip.append(title, moods);
    const box = canvas.getBoundingClientRect();
    tooltip.style.left = event.clientX - box.left + 12 + "px";
    tooltip.style.top = event.clientY - box.top + 12 + "px";
    tooltip.hidden = false;
  }

  function play(tracks) {
    queue = tracks;
    queueList.replaceChildren(
      ...tracks.map((t, i) => {
        const li = document.createElement("li");
        li.textContent = t.title + " · " + t.artist;
        li.addEventListener("click", () => start(i));
        return li;
      })
    );
    if (tracks.length) start(0);
  }

  function start(i) {
    [...queueList.children].forEach((li, j) => li.classList.toggle("playing", j === i));
    audio.src = queue[i].audio;
    audio.dataset.index = i;
    audio.play().catch(() => {});
  }

  audio.addEventListener("ended", () => {
    const next = Number(audio.dataset.index) + 1;
    if (next < queue.length) start(next);
  });

  canvas.addEventListener("mousedown", (event) => { dragging = true; lasso = [toMap(event)]; });
  canvas.addEventListener("mousemove", (event) => {
    const [x, y] = toMap(event);
    if (dragging) { lasso.push([x, y]); draw(); return; }
    showTooltip(data && nearest(x, y), event);
  });
  canvas.addEventListener("mouseup", (event) => {
    dragging = false;
    if (lasso.length < 4) {  // a click, not a drag: play the track under the pointer
      lasso = [];
      const p = data && nearest(...toMap(event));
      if (p) play([{ id: p.id, title: p.title, artist: p.artist, audio: "/tracks/" + p.id + "/audio" }]);
    }
    playRegion.disabled = lasso.length < 4;
    draw();
  });
  canvas.addEventListener("mouseleave", () => { tooltip.hidden = true; });
  document.getElementById("map-clear").addEventListener("click", () => { lasso = []; playRegion.disabled = true; draw(); });

  playRegion.addEventListener("click", async () => {
    const csrf = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
    const response = await fetch(canvas.dataset.region, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ polygon: lasso, model_version: data.model_version }),
    });
    const body = await response.json();
    status.textContent = body.tracks ? body.tracks.length + " tracks in this region" : body.error.message;
    if (body.tracks) play(body.tracks);
  });

  // Playlists from words: the sentence is read on the server; the map highlights the families it names.
  const wordsForm = document.getElementById("words-form");
  const reading = document.getElementById("words-reading");
  wordsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = document.getElementById("words-text").value;
    const response = await fetch(wordsForm.dataset.read + "?" + new URLSearchParams({ text }));
    const body = await response.json();
    reading.replaceChildren();
    if (body.error) {
      reading.textContent = body.error.message;
      focusFamilies = null;
    } else {
      reading.append("Read as: ");
      for (const [targets, avoid] of [[body.targets, false], [body.avoid, true]]) {
        for (const t of targets) {
          const chip = document.createElement("span");
          chip.className = "chip" + (avoid ? " avoid" : "");
          chip.style.background = t.colour;
          chip.textContent = t.mood;
          chip.title = avoid ? "to avoid" : "click to leave this mood out";
          if (!avoid) {
            // The listener adjusts the reading: a click leaves a mood out of the highlighted families.
            chip.addEventListener("click", () => {
              chip.classList.toggle("avoid");
              const kept = [...reading.querySelectorAll(".chip:not(.avoid)")].map((c) => c.dataset.family);
              focusFamilies = kept.length ? new Set(kept) : null;
              draw();
            });
          }
          chip.dataset.family = t.family;
          reading.append(chip);
        }
      }
      focusFamilies = new Set(body.targets.map((t) => t.family));
    }
    draw();
  });

  fetch(canvas.dataset.points)
    .then((response) => response.json())
    .then((body) => {
      if (body.error) { status.textContent = body.error.message; return; }
      data = body;
      index();
      status.textContent = data.points.length + " tracks" + (data.stale ? " (updating)" : "");
      canvas.dataset.ready = "true";
      draw();
    });
  draw();
})();
