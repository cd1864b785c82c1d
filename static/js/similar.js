// Play buttons of the "similar tracks" list: one shared <audio>, the main player paused while it plays.
(() => {
  const player = document.getElementById("similar-player");
  if (!player) return;
  let current = null;
  document.querySelectorAll("#similar-tracks button.play").forEach((button) => {
    button.addEventListener("click", () => {
      if (current === button && !player.paused) {
        player.pause();
        return;
      }
      document.getElementById("player")?.pause();
      if (current !== button) player.src = button.dataset.src;
      current = button;
      player.play();
    });
  });
  const mark = (playing) => current && (current.textContent = playing ? "❚❚" : "▶");
  player.addEventListener("play", () => mark(true));
  player.addEventListener("pause", () => mark(false));
  player.addEventListener("ended", () => mark(false));
})();
