// Draw the track's waveform (peaks in [0, 1], from the analysis) on a canvas, show the play position,
// and seek on click. Redraws on resize so it stays sharp on any screen.
(function () {
  "use strict";
  var canvas = document.getElementById("waveform");
  var audio = document.getElementById("player");
  var data = document.getElementById("waveform-peaks");
  if (!canvas || !audio || !data) return;
  var peaks = JSON.parse(data.textContent) || [];
  if (!peaks.length) { canvas.hidden = true; return; }
  var style = getComputedStyle(document.documentElement);
  var played = style.getPropertyValue("--accent").trim() || "#5b4fd6";
  var unplayed = style.getPropertyValue("--muted").trim() || "#c5c9d6";

  function draw() {
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    var progress = audio.duration ? audio.currentTime / audio.duration : 0;
    var bar = width / peaks.length, middle = height / 2;
    for (var i = 0; i < peaks.length; i++) {
      var h = Math.max(1, peaks[i] * (height - 2));
      ctx.fillStyle = (i + 0.5) / peaks.length <= progress ? played : unplayed;
      ctx.fillRect(i * bar, middle - h / 2, Math.max(bar - 0.5, 0.5), h);
    }
  }

  var frame = null;
  function animate() { draw(); frame = audio.paused ? null : window.requestAnimationFrame(animate); }
  audio.addEventListener("play", function () { if (!frame) animate(); });
  ["pause", "seeked", "loadedmetadata", "timeupdate"].forEach(function (name) {
    audio.addEventListener(name, function () { if (!frame) draw(); });
  });
  canvas.addEventListener("click", function (event) {
    if (!audio.duration) return;
    var rect = canvas.getBoundingClientRect();
    audio.currentTime = ((event.clientX - rect.left) / rect.width) * audio.duration;
    draw();
  });
  window.addEventListener("resize", draw);
  draw();
})();
