// Playlists from words on the generator: "Read" sends the sentence to /mix/words.json, shows the moods
// it was read as (chips), what was not understood, and sets the family and point sliders from the
// reading. Without this script the same button posts the form and the server renders the same result.
(function () {
  "use strict";
  const form = document.getElementById("mixer");
  const box = document.getElementById("words");
  if (!form || !box) return;
  const input = box.querySelector("input[type=text]");
  const result = document.getElementById("words-result");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  const para = (text, className, id) => {
    const p = document.createElement("p");
    p.className = className;
    if (id) p.id = id;
    p.textContent = text;
    return p;
  };
  const chip = (text, className, mood) => {
    const span = document.createElement("span");
    span.className = `word-chip ${className}`;
    span.dataset.mood = mood;
    span.textContent = text;
    return span;
  };
  const setRange = (name, value) => {
    const range = form.querySelector(`input[name="${name}"]`);
    if (!range) return;
    range.value = value;
    range.dispatchEvent(new Event("input")); // mixer.js updates the output and the family chip
  };

  const show = (data) => {
    const reading = data.reading;
    const chips = document.createElement("div");
    chips.className = "word-chips";
    chips.id = "words-chips";
    reading.targets.forEach((t) => chips.appendChild(chip(`${t.mood} (${t.family})`, "on", t.mood)));
    reading.avoid.forEach((t) => chips.appendChild(chip(`not ${t.mood}`, "avoid", t.mood)));
    const lines = document.createElement("ul");
    lines.className = "hint readings";
    reading.readings.forEach((line) => {
      const li = document.createElement("li");
      li.textContent = line;
      lines.appendChild(li);
    });
    result.replaceChildren(
      para("Read as (the sliders below are set from it; adjust them freely):", "hint"), chips, lines
    );
    if (reading.not_understood.length) {
      result.appendChild(para(`Not understood: ${reading.not_understood.join(", ")}`, "hint", "words-unknown"));
    }
    Object.entries(data.families).forEach(([family, value]) => setRange(`mood_${family}`, value));
    setRange("valence", data.valence);
    setRange("arousal", data.arousal);
    const mood = form.querySelector("input[name=strategy][value=mood]");
    if (mood && !mood.checked) {
      mood.checked = true;
      mood.dispatchEvent(new Event("change"));
    }
  };

  const read = async () => {
    const body = new URLSearchParams({ text: input.value });
    const response = await fetch(box.dataset.url, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) {
      result.replaceChildren(para(data.error.message, "message error", "words-error"));
      return;
    }
    show(data);
  };

  document.getElementById("read-words").addEventListener("click", (event) => {
    event.preventDefault();
    read().catch(() => result.replaceChildren(para("Could not read that just now; try again.", "message error", "words-error")));
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // Enter reads the words; it does not generate
      document.getElementById("read-words").click();
    }
  });
})();
