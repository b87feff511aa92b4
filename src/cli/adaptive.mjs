// `./cuefinder search CATALOG [FILE|--track ID|--text WORDS] --like ID,ID --skip ID,ID [--remark WORDS]`:
// a stateless adaptive session (src/bindings/web/adaptive_api.cpp → core/query/adaptive.h). The query
// gives every catalog track a base score; the likes, skips and remarks are replayed in the order given;
// the core refits its model after each and re-ranks. The same flags always give the same output.
//
//   const res = await adaptiveSearch(parseArgs(argv));   // {query, events, results, learned, session}
//   printAdaptive(res);
import { createAnalyzer, parseArgs as parseAnalyzeArgs } from './analyze.mjs';
import { openSemantic, unitEmbedding } from './semantic.mjs';
import { coreClient, loadNodeCore } from '../../web/core_client.mjs';

// z-scores of a list (population sd; 1 for a constant list): how the core combines inputs.
function zScores(xs) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n) || 1;
  return xs.map((x) => (x - mean) / sd);
}

// Every input's raw catalog scores z-combined with its weight (semantic::combine_scores).
function mixScores(res) {
  const used = res.inputs.filter((i) => i.weight > 0);
  if (used.length === 1) return Float32Array.from(used[0].scores);
  const out = new Float32Array(used[0].scores.length);
  for (const inp of used) zScores(inp.scores).forEach((z, t) => { out[t] += inp.weight * z; });
  return out;
}

async function openCore(o, needText) {
  if (!needText && !o.file) return { core: (await loadNodeCore()).Module, analysis: null, sem: null };
  const an = await createAnalyzer({ ...parseAnalyzeArgs(['--no-taggram', '--no-curves']), only: o.file ? null : [] });
  let analysis = null;
  if (o.file) {
    analysis = await an.analyze(o.file);
    if (analysis.error) throw new Error(analysis.error);
  }
  let sem = null;
  if (needText) {
    sem = await openSemantic(an.core);
    await sem.attachCatalog(o.catalog);
  }
  return { core: an.core, analysis, sem };
}

// The query's raw score of every track, through the text search when words or a picture are part of it.
async function setBase(c, h, o, { analysis, sem }) {
  if (o.text || o.image) {
    const res = await sem.search({ texts: o.text ? [o.text] : [], image: o.image, track: analysis ? unitEmbedding(analysis.embedding.values) : null,
      method: o.method || 'ensemble', k: 1, weights: o.weights, options: o.track ? { track_id: o.track } : {}, scores: true });
    c.must('cf_adaptive_set_base', h, mixScores(res), res.inputs[0].scores.length);
  } else if (o.track) {
    c.must('cf_adaptive_base_track', h, o.track);
  } else {
    c.must('cf_adaptive_base_embedding', h, Float32Array.from(analysis.embedding.values), analysis.embedding.dim);
  }
}

async function replay(c, h, o, sem) {
  for (const e of o.events) {
    if (e.kind !== 'remark') { c.must('cf_adaptive_event', h, e.kind, e.id); continue; }
    const r = await sem.search({ texts: [e.text], method: o.method || 'ensemble', k: 1, scores: true });
    c.must('cf_adaptive_remark', h, e.text, Float32Array.from(r.inputs[0].scores), r.inputs[0].scores.length);
  }
}

export async function adaptiveSearch(o) {
  const needText = Boolean(o.text || o.image || o.events.some((e) => e.kind === 'remark'));
  const parts = await openCore(o, needText);
  const c = coreClient(parts.core);
  const h = c.must('cf_adaptive_open', o.catalog, 1, 0);
  await setBase(c, h, o, parts);
  const query = { text: o.text, image: o.image, file: o.file, track: o.track };
  c.call('cf_adaptive_set_query', h, JSON.stringify(query));
  await replay(c, h, o, parts.sem);
  // The query track is never a result: ask for one more and leave it out.
  const res = c.mustJson('cf_adaptive_rerank', h, o.k + 1, JSON.stringify(o.options));
  res.results = res.results.filter((r) => r.id !== o.track).slice(0, o.k).map((r, i) => ({ ...r, rank: i + 1 }));
  res.session = c.mustJson('cf_adaptive_session_json', h);
  c.call('cf_adaptive_free', h);
  if (parts.sem) parts.sem.close();
  res.query = query;
  res.events = o.events;
  return res;
}

function queryName(q) {
  return [q.text && `"${q.text}"`, q.image, q.file, q.track].filter(Boolean).join(' + ');
}

export function printAdaptive(res) {
  const n = (k) => res.events.filter((e) => e.kind === k).length;
  const remarks = res.events.filter((e) => e.kind === 'remark').map((e) => `"${e.text}"`);
  console.log(`tracks for ${queryName(res.query)} after ${n('like')} liked, ${n('skip')} skipped${remarks.length ? `, remarks ${remarks.join(', ')}` : ''}:`);
  for (const r of res.results) {
    const sign = r.learned >= 0 ? '+' : '−';
    console.log(`${String(r.rank).padStart(3)}. score ${r.score.toFixed(2).padStart(6)} (query z ${r.base.toFixed(2).padStart(5)}, learned ${sign}${Math.abs(r.learned).toFixed(2)})  ` +
      `${r.title || r.id}${r.artist ? ' — ' + r.artist : ''}  [${r.source}, ${r.license_kind}]${r.bpm ? `  ${Math.round(r.bpm)} BPM` : ''}${r.why ? `  (${r.why})` : ''}`);
  }
  if (res.results.length === 0) console.log('  (no track passes the filters)');
  console.log(`learned: ${res.learned.text || '(nothing stands out yet)'}`);
}
