// warc_check.cjs - checks a WARC exported by `quire export --warc` against the
// WARC it was imported from, with warcio.js (npm "warcio", the Webrecorder
// library) as the independent reader:
//
//   node warc_check.cjs ORIGINAL EXPORTED ARTICLES
//
// - every record of EXPORTED parses (warcio's WARCParser) and is WARC/1.1;
// - every record of EXPORTED has a WARC-Record-ID of ORIGINAL (ids may repeat
//   in test files: any record with the id), with the same
//   WARC-Type, WARC-Date, WARC-Target-URI, WARC-Payload-Digest and
//   WARC-Block-Digest header values, and the same payload bytes (SHA-1);
//   (a record warcio cannot read in ORIGINAL - its WARC/0.17 records come out
//   typeless - is counted and reported, not compared);
// - where ORIGINAL's payload matched its WARC-Payload-Digest (sha1), so does
//   EXPORTED's (the digest check, as warcio computes payloads);
// - EXPORTED holds ARTICLES response/resource/revisit records.
// Prints one summary line; exits 1 on the first failure. WARCIO_DIR names the
// folder holding node_modules/warcio.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { WARCParser } = require(path.join(process.env.WARCIO_DIR || '.', 'node_modules', 'warcio'));

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0, v = 0, out = '';
  for (const b of buf) {
    v = (v << 8) | b; bits += 8;
    while (bits >= 5) { out += B32[(v >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(v << (5 - bits)) & 31];
  return out;
}
function sha1(buf) { return crypto.createHash('sha1').update(buf).digest(); }

async function records(file) {
  const out = [];
  const parser = new WARCParser(fs.createReadStream(file));
  for await (const r of parser) {
    const raw = await r.readFully(false);
    const h = (n) => r.warcHeader(n) || '';
    const label = h('WARC-Payload-Digest');
    let match = null;
    if (/^sha1:/i.test(label) && r.warcType !== 'revisit') {
      const want = label.slice(5).toUpperCase().replace(/=+$/, '');
      match = base32(sha1(raw)) === want || sha1(raw).toString('hex').toUpperCase() === want;
    }
    out.push({
      version: r.warcHeaders.statusline, type: r.warcType, id: h('WARC-Record-ID'),
      date: h('WARC-Date'), uri: h('WARC-Target-URI'), pd: label, bd: h('WARC-Block-Digest'),
      payload: sha1(raw).toString('hex'), match,
    });
  }
  return out;
}

function fail(msg) { console.log('warc_check: FAIL: ' + msg); process.exit(1); }

(async () => {
  const [orig, exp, articles] = process.argv.slice(2);
  const a = await records(orig);
  const b = await records(exp);
  // record ids are not always unique (test files reuse them): a record of
  // EXPORTED matches any record of ORIGINAL with its id and the same values
  const byId = new Map();
  for (const r of a) {
    if (!byId.has(r.id)) byId.set(r.id, []);
    byId.get(r.id).push(r);
  }
  const keys = ['type', 'date', 'uri', 'pd', 'bd', 'payload'];
  let n = 0, checked = 0, unreadable = 0;
  for (const r of b) {
    // warcio.js 2.4 misreads the first two bytes of a record that follows a
    // request record without a body ("RC/1.1"); it does so on the original
    // files too, so only the version number is compared
    if (!/^(WA)?RC\/1\.1$/.test(r.version)) fail(`${r.id}: version line ${r.version}`);
    const cands = byId.get(r.id);
    if (!cands) fail(`${r.id}: record id not in the original`);
    if (cands.every((c) => c.type === null)) { unreadable++; continue; }
    const o = cands.find((c) => keys.every((k) => c[k] === r[k]));
    if (!o) {
      const c = cands[0];
      const k = keys.find((k) => c[k] !== r[k]);
      fail(`${r.id}: ${k} differs: ${c[k]} vs ${r[k]}`);
    }
    if (o.match === true) {
      if (r.match !== true) fail(`${r.id}: payload digest no longer matches`);
      checked++;
    }
    if (['response', 'resource', 'revisit'].includes(r.type)) n++;
  }
  for (const r of b) if (byId.get(r.id).every((c) => c.type === null) && ['response', 'resource', 'revisit'].includes(r.type)) n++;
  if (String(n) !== String(articles)) fail(`${n} article records exported, expected ${articles}`);
  console.log(`warc_check: ok: ${b.length} records, ${n} articles, ${checked} payload digests checked` +
              (unreadable ? `, ${unreadable} records warcio cannot read in the original (WARC/0.17)` : ''));
})().catch((e) => fail(e && e.stack ? e.stack : String(e)));
