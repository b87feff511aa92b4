// The page's side of the service worker (web/sw.js): registers it, passes its messages on, and keeps
// the page on one site version.
//
//   import { registerServiceWorker } from './sw_client.mjs';
//   registerServiceWorker({ onMessage: (m) => console.log(m.type) });
//
// Why the reload: a new worker takes over open pages as soon as it has stored the new site
// (skipWaiting + clients.claim), and from then on it answers every fetch from the new version's cache.
// A page loaded from the old version would go on with old scripts asking for new files, so when the
// worker in charge changes, a page that already had one reloads once, whole, from the new version.
// A page that had none (the first visit) came from the network and is not reloaded: the first worker
// stores the version the server had when it installed, seconds later.

/**
 * @param {object} [o]
 * @param {string} [o.url='sw.js']                 the worker script, relative to the page
 * @param {(msg:object)=>void} [o.onMessage]       every message the worker posts ({type:'sw-...', ...})
 * @param {()=>void} [o.reload]                    called once when a new worker replaces the one in charge
 * @returns {Promise<ServiceWorkerRegistration|null>}  null when the browser has no service workers or
 *          registration failed (the site still works online; the reason goes to console.warn)
 */
export async function registerServiceWorker({ url = 'sw.js', onMessage = () => {}, reload = () => location.reload() } = {}) {
  if (!('serviceWorker' in navigator)) return null;
  const sw = navigator.serviceWorker;
  sw.addEventListener('message', (ev) => onMessage(ev.data || {}));
  sw.startMessages();
  let inCharge = sw.controller;
  let reloading = false;
  sw.addEventListener('controllerchange', () => {
    if (inCharge && !reloading) {
      reloading = true;
      reload();
    }
    inCharge = sw.controller;
  });
  try {
    return await sw.register(url);
  } catch (e) {
    console.warn('cuefinder: no offline cache:', e.message);
    return null;
  }
}
