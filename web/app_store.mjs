// cuefinder page: what the app keeps between visits, in this browser's IndexedDB (never sent
// anywhere): the adaptive session per catalog and the custom tags. The app (C++) decides what to keep
// and writes it as JSON through Host::save_state; this file only stores and returns the text by key.
//
//   const store = await openStore();          // null when IndexedDB is unavailable (private mode)
//   await store.put('session:demo', json);    // '' deletes the key
//   const all = await store.entries('session:demo', 'tags:msd-musicnn-1');  // [[key, json], ...]
const DB_NAME = 'cuefinder';
const STORE = 'state';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error || new Error('IndexedDB request failed'));
  });
}

export async function openStore() {
  if (typeof indexedDB === 'undefined') return null;
  let db;
  try {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    db = await request(open);
  } catch (e) {
    console.warn('cuefinder: sessions and custom tags will not be kept (IndexedDB:', e.message, ')');
    return null;
  }
  const tx = (mode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    async put(key, text) {
      if (text) await request(tx('readwrite').put(String(text), String(key)));
      else await request(tx('readwrite').delete(String(key)));
    },
    async get(key) {
      const v = await request(tx('readonly').get(String(key)));
      return typeof v === 'string' ? v : null;
    },
    async entries(...keys) {
      const out = [];
      for (const k of keys) {
        const v = await this.get(k);
        if (v) out.push([k, v]);
      }
      return out;
    },
  };
}
