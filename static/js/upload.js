// The upload page: drop or choose files; each is sent by its own XHR with a progress bar, then its
// analysis is followed through the status endpoint until analyzed or failed, without reloading.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("upload-list");
  var maxBytes = Number(form.dataset.maxBytes);
  var formats = form.dataset.formats.split(",");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var rows = {};  // track id -> list item, for status updates

  function row(file) {
    var li = document.createElement("li");
    li.className = "upload";
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = "waiting";
    li.append(name, bar, state);
    list.prepend(li);
    return { li: li, bar: bar, state: state };
  }

  function refuse(view, message) {
    view.li.classList.add("refused");
    view.bar.remove();
    view.state.textContent = message;
  }

  function showTrack(view, track) {
    var link = document.createElement("a");
    link.href = track.url;
    link.textContent = track.artist + " – " + track.title;
    view.state.replaceChildren(link, " ", window.MoodmixStatus.badge(track));
    if (track.error_detail) view.state.append(" " + track.error_detail);
  }

  // Cheap checks the server repeats anyway: spare the listener a long upload that would be refused.
  function precheck(file) {
    var ext = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
    if (formats.indexOf(ext) < 0) return "unsupported format (use " + formats.join(", ") + ")";
    if (file.size === 0) return "the file is empty";
    if (file.size > maxBytes) return "the file is larger than " + Math.round(maxBytes / 1048576) + " MB";
    return null;
  }

  var queue = [];
  var busy = false;
  function next() {
    if (busy || !queue.length) return;
    busy = true;
    var job = queue.shift();
    send(job.file, job.view, function () { busy = false; next(); });
  }

  function send(file, view, done) {
    var data = new FormData();
    data.append("files", file);
    data.append("visibility", form.querySelector("[name=visibility]").value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) view.bar.value = (100 * event.loaded) / event.total;
      view.state.textContent = event.loaded < event.total ? "uploading" : "checking";
    });
    xhr.addEventListener("load", function () {
      var result;
      try { result = JSON.parse(xhr.responseText).results[0]; } catch (e) { result = null; }
      if (!result) refuse(view, "upload failed (HTTP " + xhr.status + ")");
      else if (!result.ok) refuse(view, result.error.message);
      else {
        view.bar.remove();
        rows[result.track.id] = view;
        showTrack(view, result.track);
        window.MoodmixStatus.follow(form.dataset.statusUrl, [result.track.id], function (track) {
          showTrack(rows[track.id], track);
        });
      }
      done();
    });
    xhr.addEventListener("error", function () { refuse(view, "network error"); done(); });
    xhr.send(data);
  }

  function add(files) {
    Array.from(files).forEach(function (file) {
      var view = row(file);
      var problem = precheck(file);
      if (problem) refuse(view, problem);
      else queue.push({ file: file, view: view });
    });
    next();
  }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) { add(event.dataTransfer.files); });
  form.addEventListener("submit", function (event) { event.preventDefault(); add(input.files); });
})();
