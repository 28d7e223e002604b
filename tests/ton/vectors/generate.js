// Generates TON test vectors with @ton/core, @ton/ton and @ton/crypto, the
// reference implementation the C++ `ton` module must match byte for byte.
//
// Usage: node generate.js OUTPUT.json
//
// Everything is deterministic: fixed seeds, fixed keys, fixed seqnos and
// timeouts, and a seeded pseudo-random generator for the random cells.
'use strict';

const fs = require('fs');
const {
  Address, beginCell, Cell, Dictionary, contractAddress, storeMessage, storeMessageRelaxed,
  internal, external, generateMerkleProof, SendMode,
} = require('@ton/core');
const { WalletContractV4, WalletContractV5R1 } = require('@ton/ton');
const { keyPairFromSeed } = require('@ton/crypto');

// xorshift32, so the vectors do not change between runs.
let rngState = 0x12345678;
function rand() {
  rngState ^= rngState << 13; rngState >>>= 0;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5; rngState >>>= 0;
  return rngState;
}
function randBytes(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rand() & 0xff;
  return b;
}

const hex = (buf) => Buffer.from(buf).toString('hex');
const bocForms = (cell) => ({
  boc: hex(cell.toBoc({ idx: false, crc32: false })),
  boc_crc: hex(cell.toBoc({ idx: false, crc32: true })),
  boc_idx: hex(cell.toBoc({ idx: true, crc32: false })),
  boc_idx_crc: hex(cell.toBoc({ idx: true, crc32: true })),
});
const describe = (cell) => ({ hash: hex(cell.hash()), depth: cell.depth(), ...bocForms(cell) });

// ---------------------------------------------------------------------------
// Cells built from a list of operations that the C++ test replays with its own
// builder. `ref` operands index earlier cells of the list.
const opCells = [];
function buildOps(ops) {
  const b = beginCell();
  for (const op of ops) {
    switch (op.op) {
      case 'bit': b.storeBit(op.v); break;
      case 'uint': b.storeUint(BigInt('0x' + (op.hex || '0')), op.bits); break;
      case 'int': b.storeInt(BigInt(op.dec), op.bits); break;
      case 'coins': b.storeCoins(BigInt(op.dec)); break;
      case 'addr': b.storeAddress(op.raw === null ? null : Address.parse(op.raw)); break;
      case 'bytes': b.storeBuffer(Buffer.from(op.hex, 'hex')); break;
      case 'bits': {  // the first `bits` bits of hex
        const src = Buffer.from(op.hex, 'hex');
        for (let i = 0; i < op.bits; i++) b.storeBit((src[i >> 3] >> (7 - (i & 7))) & 1);
        break;
      }
      case 'ref': b.storeRef(opCells[op.index].cell); break;
      case 'maybe_ref': b.storeMaybeRef(op.index === null ? null : opCells[op.index].cell); break;
      default: throw new Error('unknown op ' + op.op);
    }
  }
  return b.endCell();
}
function addOpCell(name, ops) {
  const cell = buildOps(ops);
  opCells.push({ name, ops, cell });
}

const addrA = '0:' + 'ab'.repeat(32);
const addrB = '-1:' + '3333333333333333333333333333333333333333333333333333333333333333';
addOpCell('empty', []);
addOpCell('uints', [
  { op: 'uint', bits: 1, hex: '1' }, { op: 'uint', bits: 7, hex: '5a' },
  { op: 'uint', bits: 32, hex: 'deadbeef' }, { op: 'uint', bits: 64, hex: 'ffffffffffffffff' },
  { op: 'uint', bits: 13, hex: '0' }, { op: 'uint', bits: 256, hex: 'f'.repeat(63) + 'e' },
  { op: 'uint', bits: 100, hex: '123456789abcdef0123456789' },
]);
addOpCell('ints', [
  { op: 'int', bits: 8, dec: '-1' }, { op: 'int', bits: 8, dec: '-128' },
  { op: 'int', bits: 8, dec: '127' }, { op: 'int', bits: 32, dec: '-239' },
  { op: 'int', bits: 64, dec: '-9223372036854775808' }, { op: 'int', bits: 17, dec: '-65536' },
  { op: 'int', bits: 1, dec: '-1' }, { op: 'int', bits: 257, dec: '-5' },
]);
addOpCell('coins', [
  { op: 'coins', dec: '0' }, { op: 'coins', dec: '1' }, { op: 'coins', dec: '255' },
  { op: 'coins', dec: '256' }, { op: 'coins', dec: '1000000000' },
  { op: 'coins', dec: '18446744073709551615' },
  { op: 'coins', dec: (2n ** 120n - 1n).toString() },
]);
addOpCell('addresses', [
  { op: 'addr', raw: null }, { op: 'addr', raw: addrA }, { op: 'addr', raw: addrB },
]);
addOpCell('bits', [
  { op: 'bit', v: true }, { op: 'bit', v: false }, { op: 'bits', bits: 3, hex: 'a0' },
  { op: 'bits', bits: 21, hex: 'c0ffee' }, { op: 'bytes', hex: '00ff10' },
]);
addOpCell('full', [{ op: 'bits', bits: 1023, hex: randBytes(128).toString('hex') }]);
addOpCell('one_bit', [{ op: 'bit', v: true }]);
addOpCell('with_refs', [
  { op: 'uint', bits: 8, hex: '2a' }, { op: 'ref', index: 0 }, { op: 'ref', index: 1 },
  { op: 'maybe_ref', index: 2 }, { op: 'maybe_ref', index: null }, { op: 'ref', index: 6 },
]);
addOpCell('nested', [{ op: 'ref', index: 8 }, { op: 'ref', index: 8 }, { op: 'ref', index: 3 }]);
addOpCell('deep', [{ op: 'coins', dec: '77' }, { op: 'ref', index: 9 }, { op: 'ref', index: 4 }]);

const cells = opCells.map((c) => ({ name: c.name, ops: c.ops, ...describe(c.cell) }));

// ---------------------------------------------------------------------------
// Dictionaries (HashmapE): the C++ side rebuilds them from the entries.
function dictVector(name, keyBits, entries, valueKind) {
  const keyType = keyBits === 32 ? Dictionary.Keys.Uint(32) : Dictionary.Keys.BigUint(256);
  const valueType = valueKind === 'uint32' ? Dictionary.Values.Uint(32) : Dictionary.Values.Cell();
  const dict = Dictionary.empty(keyType, valueType);
  for (const [k, v] of entries) {
    const key = keyBits === 32 ? parseInt(k, 16) : BigInt('0x' + k);
    dict.set(key, valueKind === 'uint32' ? v : opCells[v].cell);
  }
  const root = beginCell().storeDictDirect(dict).endCell();
  const wrapped = beginCell().storeDict(dict).endCell();  // HashmapE: bit + ref
  return {
    name, key_bits: keyBits, value: valueKind,
    entries: entries.map(([k, v]) => [k, v]),
    root: describe(root), hashmape: describe(wrapped),
  };
}
const dicts = [];
dicts.push(dictVector('single32', 32, [['00000007', 42]], 'uint32'));
dicts.push(dictVector('small32', 32, [['00000001', 1], ['00000002', 2], ['00000003', 3],
  ['ffffffff', 4], ['80000000', 5]], 'uint32'));
{
  const entries = [];
  const seen = new Set();
  while (entries.length < 300) {
    const k = (rand() >>> 0).toString(16).padStart(8, '0');
    if (seen.has(k)) continue;
    seen.add(k);
    entries.push([k, rand() >>> 0]);
  }
  dicts.push(dictVector('random32', 32, entries, 'uint32'));
}
{
  const entries = [];
  for (let i = 0; i < 40; i++) entries.push([randBytes(32).toString('hex'), i % 4]);
  entries.push(['00'.repeat(32), 1]);
  entries.push(['ff'.repeat(32), 2]);
  dicts.push(dictVector('random256_cells', 256, entries, 'cell'));
}
dicts.push(dictVector('same_prefix256', 256, [['00'.repeat(31) + '01', 0], ['00'.repeat(31) + '02', 1]], 'cell'));

// ---------------------------------------------------------------------------
// Large BoCs and exotic cells: parsed and re-serialized by the C++ side.
function randomTree(count) {
  // Builds `count` cells bottom-up; each may reference up to 4 earlier ones,
  // so the graph is a DAG with shared cells.
  const made = [];
  for (let i = 0; i < count; i++) {
    const b = beginCell();
    const nbits = rand() % 200;
    for (let j = 0; j < nbits; j++) b.storeBit(rand() & 1);
    const nrefs = made.length === 0 ? 0 : rand() % 5;
    for (let j = 0; j < nrefs; j++) b.storeRef(made[made.length - 1 - (rand() % Math.min(made.length, 8))]);
    made.push(b.endCell());
  }
  // A root holding the last cells, so every cell is reachable from the root
  // or at least most of them.
  return made[made.length - 1];
}
function chain(count) {
  let c = beginCell().storeUint(0, 32).endCell();
  for (let i = 1; i < count; i++) c = beginCell().storeUint(i, 32).storeRef(c).endCell();
  return c;
}
function wideTree(leaves) {
  let level = [];
  for (let i = 0; i < leaves; i++) level.push(beginCell().storeUint(i, 24).endCell());
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 4) {
      const b = beginCell().storeUint(i, 24);
      for (let j = i; j < Math.min(i + 4, level.length); j++) b.storeRef(level[j]);
      next.push(b.endCell());
    }
    level = next;
  }
  return level[0];
}
const bocs = [];
bocs.push({ name: 'random_dag_2000', cells: null, ...describe(randomTree(2000)) });
bocs.push({ name: 'chain_1000', ...describe(chain(1000)) });
bocs.push({ name: 'wide_70000', ...describe(wideTree(70000)) });
{
  const bigDict = Dictionary.empty(Dictionary.Keys.Uint(32), Dictionary.Values.Uint(32));
  for (let i = 0; i < 50; i++) bigDict.set(i * 7, i);
  const root = beginCell().storeDictDirect(bigDict).endCell();
  const proof = generateMerkleProof(bigDict, [7, 14], Dictionary.Keys.Uint(32));
  bocs.push({ name: 'merkle_proof', exotic: true, ...describe(proof), inner_hash: hex(root.hash()) });
}
{
  const lib = beginCell().storeUint(2, 8).storeBuffer(randBytes(32)).endCell({ exotic: true });
  bocs.push({ name: 'library', exotic: true, ...describe(lib) });
  const holder = beginCell().storeUint(1, 1).storeRef(lib).endCell();
  bocs.push({ name: 'library_holder', exotic: false, ...describe(holder) });
}

// ---------------------------------------------------------------------------
// Addresses in every form.
const addresses = [];
for (const raw of [addrA, addrB, '0:' + randBytes(32).toString('hex'), '-1:' + randBytes(32).toString('hex'),
  '0:' + '00'.repeat(32)]) {
  const a = Address.parse(raw);
  const forms = {};
  for (const bounceable of [true, false]) {
    for (const testOnly of [true, false]) {
      for (const urlSafe of [true, false]) {
        forms[`${bounceable ? 'b' : 'n'}${testOnly ? 't' : 'm'}${urlSafe ? 'u' : 's'}`] =
          a.toString({ bounceable, testOnly, urlSafe });
      }
    }
  }
  addresses.push({ raw: a.toRawString(), workchain: a.workChain, hash: hex(a.hash), forms });
}

// ---------------------------------------------------------------------------
// StateInit and messages.
const code = beginCell().storeUint(0xc0de, 16).endCell();
const data = beginCell().storeUint(0xda7a, 16).storeRef(code).endCell();
const stateInit = { code, data };
const stateInitCell = beginCell().store(require('@ton/core').storeStateInit(stateInit)).endCell();
const stateInits = [{
  code: hex(code.toBoc()), data: hex(data.toBoc()), cell: describe(stateInitCell),
  address0: contractAddress(0, stateInit).toRawString(),
  address_m1: contractAddress(-1, stateInit).toRawString(),
}];

const bigBody = beginCell().storeBuffer(randBytes(120)).storeRef(code).endCell();
const smallBody = beginCell().storeUint(0x12345678, 32).storeUint(99, 64).endCell();
const messages = [];
function internalVector(name, args, body) {
  const msg = internal({ to: Address.parse(args.to), value: BigInt(args.value), bounce: args.bounce,
    init: args.init ? stateInit : undefined, body });
  const cell = beginCell().store(storeMessageRelaxed(msg, { forceRef: !!args.force_refs })).endCell();
  messages.push({ name, kind: 'internal', ...args, body: hex(body.toBoc()), ...describe(cell) });
}
internalVector('simple', { to: addrA, value: '1000000000', bounce: true, init: false }, Cell.EMPTY);
internalVector('no_bounce_small_body', { to: addrB, value: '5', bounce: false, init: false }, smallBody);
internalVector('big_body_ref', { to: addrA, value: '123456789', bounce: true, init: false }, bigBody);
internalVector('with_init', { to: addrA, value: '50000000', bounce: false, init: true }, smallBody);
internalVector('with_init_big_body', { to: addrB, value: '1', bounce: true, init: true }, bigBody);
internalVector('forced_refs', { to: addrA, value: '7', bounce: true, init: true, force_refs: true }, smallBody);
function externalVector(name, args, body) {
  const msg = external({ to: Address.parse(args.to), init: args.init ? stateInit : undefined, body });
  const cell = beginCell().store(storeMessage(msg, { forceRef: !!args.force_refs })).endCell();
  messages.push({ name, kind: 'external', ...args, body: hex(body.toBoc()), ...describe(cell) });
}
externalVector('ext_simple', { to: addrA, init: false }, smallBody);
externalVector('ext_init', { to: addrB, init: true }, smallBody);
externalVector('ext_init_big', { to: addrA, init: true }, bigBody);
externalVector('ext_forced_refs', { to: addrB, init: true, force_refs: true }, smallBody);

// ---------------------------------------------------------------------------
// Wallets: addresses and signed transfers for fixed keys and seqnos.
const wallets = [];
const seeds = ['00'.repeat(32), '0123456789abcdef'.repeat(4), randBytes(32).toString('hex')];
const v4code = WalletContractV4.create({ workchain: 0, publicKey: Buffer.alloc(32) }).init.code;
const v5code = WalletContractV5R1.create({ workchain: 0, publicKey: Buffer.alloc(32) }).init.code;
const walletCode = {
  v4r2: { boc: hex(v4code.toBoc({ idx: false, crc32: false })), hash: hex(v4code.hash()) },
  v5r1: { boc: hex(v5code.toBoc({ idx: false, crc32: false })), hash: hex(v5code.hash()) },
};
for (const seedHex of seeds) {
  const kp = keyPairFromSeed(Buffer.from(seedHex, 'hex'));
  for (const version of ['v4r2', 'v5r1']) {
    for (const testnet of [false, true]) {
      for (const workchain of [0, -1]) {
        let w;
        if (version === 'v4r2') {
          w = WalletContractV4.create({ workchain, publicKey: kp.publicKey });
        } else {
          w = WalletContractV5R1.create({ publicKey: kp.publicKey, walletId: {
            networkGlobalId: testnet ? -3 : -239,
            context: { workchain, walletVersion: 'v5r1', subwalletNumber: 0 } } });
        }
        if (version === 'v4r2' && testnet) {
          // v4r2 addresses do not depend on the network; only the text form does.
        }
        const entry = {
          seed: seedHex, public_key: hex(kp.publicKey), version, testnet, workchain,
          address: w.address.toRawString(),
          friendly: w.address.toString({ bounceable: false, testOnly: testnet }),
          data: hex(w.init.data.toBoc()), transfers: [],
        };
        const plans = [
          { seqno: 0, valid_until: 0, send_mode: 3, msgs: [
            { to: addrA, value: '10000000', bounce: false, body: 'comment', comment: 'hello, cocoon' }] },
          { seqno: 5, valid_until: 1700000000, send_mode: 1, msgs: [
            { to: addrB, value: '1', bounce: true, body: 'small' },
            { to: addrA, value: '2500000000', bounce: false, body: 'big' },
            { to: addrA, value: '0', bounce: true, body: 'empty', init: true }] },
          { seqno: 4294967295, valid_until: 4000000000, send_mode: 128 + 32, msgs: [
            { to: addrB, value: '0', bounce: true, body: 'empty' }] },
        ];
        for (const plan of plans) {
          const msgs = plan.msgs.map((m) => internal({
            to: Address.parse(m.to), value: BigInt(m.value), bounce: m.bounce,
            init: m.init ? stateInit : undefined,
            body: m.body === 'comment' ? m.comment : m.body === 'small' ? smallBody
              : m.body === 'big' ? bigBody : undefined,
          }));
          const transfer = w.createTransfer({ seqno: plan.seqno, secretKey: kp.secretKey,
            messages: msgs, sendMode: plan.send_mode, timeout: plan.valid_until || undefined });
          const ext = external({ to: w.address, init: plan.seqno === 0 ? w.init : undefined, body: transfer });
          const extCell = beginCell().store(storeMessage(ext)).endCell();
          entry.transfers.push({ ...plan, body: describe(transfer), external: describe(extCell) });
        }
        wallets.push(entry);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Random cells for the round-trip property, as produced by @ton/core.
const randomCells = [];
for (let i = 0; i < 20; i++) randomCells.push(describe(randomTree(5 + (rand() % 60))));

const out = {
  generator: {
    core: require('@ton/core/package.json').version,
    ton: require('@ton/ton/package.json').version,
    crypto: require('@ton/crypto/package.json').version,
  },
  cells, dicts, bocs, addresses, state_inits: stateInits, messages, wallet_code: walletCode,
  wallets, random_cells: randomCells, send_mode_ignore_errors: SendMode.IGNORE_ERRORS,
};
fs.writeFileSync(process.argv[2] || 'vectors.json', JSON.stringify(out, null, 1));
