// The playlist player: plays the list through; like / dislike / skip and finished plays are sent as
// listening signals, which update the listener's profile at once.
(function () {
  "use strict";
  const player = document.getElementById("player");
  if (!player) return;
  const audio = document.getElementById("audio");
  const items = Array.from(document.querySelectorAll("#items .item"));
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const signals = document.getElementById("signals");
  let current = -1;

  const fraction = () => (audio.duration > 0 ? Math.min(1, audio.currentTime / audio.duration) : 0);

  async function send(kind, extra) {
    const item = items[current];
    if (!item) return;
    const body = new URLSearchParams({ track: item.dataset.track, kind, playlist: player.dataset.playlist, ...extra });
    const response = await fetch(player.dataset.signalUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    });
    const data = await response.json();
    if (data.ok) {
      signals.textContent = `Your profile rests on ${data.signals} signals`;
      item.querySelector(".state").textContent = { like: "♥", dislike: "✕", skip: "⏭", play: "✓" }[kind];
      item.dataset.signal = kind;
      if (kind === "like") item.dataset.liked = "true";  // a later skip does not undo the like
    }
    return data;
  }

  function playAt(index) {
    items.forEach((el) => el.classList.remove("playing"));
    current = index;
    const item = items[index];
    if (!item) {
      document.getElementById("now-title").textContent = "The end";
      player.dataset.state = "ended";
      return;
    }
    item.classList.add("playing");
    document.getElementById("now-title").textContent = item.dataset.title;
    document.getElementById("now-reason").textContent = item.querySelector(".reason").textContent;
    player.dataset.current = item.dataset.track;
    player.dataset.state = "playing";
    audio.src = item.dataset.src;
    audio.play().catch(() => {});  // autoplay may be refused until a click; the controls stay usable
  }

  document.getElementById("play").addEventListener("click", () => playAt(current < 0 ? 0 : current));
  document.getElementById("like").addEventListener("click", () => send("like"));
  document.getElementById("dislike").addEventListener("click", async () => {
    await send("dislike");
    playAt(current + 1);
  });
  document.getElementById("skip").addEventListener("click", async () => {
    await send("skip", { fraction: fraction().toFixed(3) });
    playAt(current + 1);
  });
  audio.addEventListener("ended", async () => {
    await send("play", { fraction: "1" });
    playAt(current + 1);
  });
  items.forEach((item, index) => item.addEventListener("dblclick", () => playAt(index)));
})();
