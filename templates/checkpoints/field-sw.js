{% autoescape off %}// Cordon's service worker for the field pages (the gate), served by the app with the deployment's
// version in it: a new deployment gives new bytes, so the browser installs it, and its assets replace
// the cached ones only once all of them are in (install), the cached pages refreshed first (activate).
// Pages: network first (a fresh list of the day), the cached copy when there is no network. Assets:
// from the cache of this version. Nothing else is touched: other pages and every POST go to the network.
"use strict";
var VERSION = {{ version_json }};
var ASSETS = {{ assets_json }};
var FIELD_PAGE = new RegExp({{ page_pattern_json }});
var ASSET_CACHE = "cordon-field-assets-" + VERSION;
var PAGE_CACHE = "cordon-field-pages";
var WAIT_MS = 4000; // a gate with a weak signal: the cached page after this long

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSET_CACHE).then(function (cache) { return cache.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(PAGE_CACHE).then(function (pages) {
    // The kept pages name the old assets: fetch them afresh (online now: the worker just came down).
    return pages.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return fetch(request, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return pages.put(request, response);
          return null;
        }).catch(function () { return null; });
      }));
    });
  }).then(function () {
    return caches.keys();
  }).then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("cordon-field-assets-") === 0 && name !== ASSET_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageFromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("slow")); }, WAIT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (error) { clearTimeout(timer); reject(error); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && FIELD_PAGE.test(url.pathname)) {
    var key = url.origin + url.pathname; // one copy per page, whatever its query
    event.respondWith(pageFromNetwork(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { cache.put(key, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(key); }).then(function (cached) {
        return cached || fetch(request);
      });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.open(ASSET_CACHE).then(function (cache) {
      return cache.match(url.pathname).then(function (cached) { return cached || fetch(request); });
    }));
  }
});
{% endautoescape %}
