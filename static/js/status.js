// Poll the track status endpoint until every track reached a final state (analyzed or failed).
// window.MoodmixStatus.follow(statusUrl, ids, onTrack) calls onTrack(track) for every answer.
(function () {
  "use strict";
  var INTERVAL_MS = 1500;

  function follow(statusUrl, ids, onTrack) {
    var pending = new Set(ids.map(String));
    function tick() {
      if (pending.size === 0) return;
      var url = statusUrl.split("?")[0] + "?ids=" + Array.from(pending).join(",");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { tracks: [] }; })
        .then(function (body) {
          body.tracks.forEach(function (track) {
            onTrack(track);
            if (track.final) pending.delete(String(track.id));
          });
        })
        .catch(function () { /* network blip: try again on the next tick */ })
        .finally(function () { if (pending.size) window.setTimeout(tick, INTERVAL_MS); });
    }
    window.setTimeout(tick, INTERVAL_MS);
  }

  function badge(track) {
    var span = document.createElement("span");
    span.className = "badge badge-" + track.status_colour;
    span.dataset.status = track.status;
    span.textContent = track.status_label;
    return span;
  }

  window.MoodmixStatus = { follow: follow, badge: badge };

  // The track page: follow an unfinished analysis and reload once, when it ends, to show the results.
  var article = document.querySelector("article.track[data-final='false']");
  if (article) {
    var id = article.dataset.statusUrl.split("ids=")[1];
    follow(article.dataset.statusUrl, [id], function (track) {
      var holder = document.getElementById("track-status");
      holder.replaceChildren(badge(track));
      if (track.final) window.location.reload();
    });
  }
})();
