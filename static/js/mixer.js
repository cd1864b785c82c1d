// The playlist generator: family chips drive the mood sliders, sliders show their value, the mode radio
// shows the sections it uses, and the seed search adds tracks to the hidden "seeds" field.
(function () {
  "use strict";
  const form = document.getElementById("mixer");
  if (!form) return;

  form.querySelectorAll("input[type=range]").forEach((range) => {
    const out = range.parentElement.querySelector("output");
    const show = () => { if (out) out.textContent = range.value; };
    range.addEventListener("input", show);
    show();
  });

  const sliderOf = (family) => form.querySelector(`input[name="mood_${family}"]`);
  const syncChip = (chip) => {
    const on = Number(sliderOf(chip.dataset.family).value) > 0;
    chip.setAttribute("aria-pressed", String(on));
    chip.classList.toggle("on", on);
  };
  form.querySelectorAll(".chip").forEach((chip) => {
    chip.addEventListener("click", () => {
      const slider = sliderOf(chip.dataset.family);
      slider.value = Number(slider.value) > 0 ? 0 : 100;
      slider.dispatchEvent(new Event("input"));
      syncChip(chip);
    });
    sliderOf(chip.dataset.family).addEventListener("input", () => syncChip(chip));
    syncChip(chip);
  });

  const showMode = () => {
    const mode = form.querySelector("input[name=strategy]:checked").value;
    form.querySelectorAll("[data-mode]").forEach((section) => {
      section.hidden = section.dataset.mode !== mode;
    });
  };
  form.querySelectorAll("input[name=strategy]").forEach((r) => r.addEventListener("change", showMode));
  showMode();

  const query = document.getElementById("seed-query");
  const results = document.getElementById("seed-results");
  const chosen = document.getElementById("seeds");
  const hidden = form.querySelector("input[name=seeds]");
  const ids = () => (hidden.value ? hidden.value.split(",") : []);
  const addSeed = (track) => {
    if (ids().includes(String(track.id))) return;
    hidden.value = [...ids(), track.id].join(",");
    const li = document.createElement("li");
    li.textContent = `${track.title} — ${track.artist} `;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = "remove";
    remove.addEventListener("click", () => {
      hidden.value = ids().filter((id) => id !== String(track.id)).join(",");
      li.remove();
    });
    li.appendChild(remove);
    chosen.appendChild(li);
  };
  let timer = null;
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      results.replaceChildren();
      if (!query.value.trim()) return;
      const response = await fetch(`${query.dataset.url}?q=${encodeURIComponent(query.value)}`);
      const data = await response.json();
      data.tracks.forEach((track) => {
        const li = document.createElement("li");
        const pick = document.createElement("button");
        pick.type = "button";
        pick.className = "link";
        pick.textContent = `${track.title} — ${track.artist}`;
        pick.addEventListener("click", () => addSeed(track));
        li.appendChild(pick);
        results.appendChild(li);
      });
    }, 200);
  });
})();
