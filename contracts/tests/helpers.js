// Test fixtures over @ton/sandbox: a fresh chain with the compiled contracts,
// helpers to send messages, read get-methods and inspect transaction trees.
'use strict';

const assert = require('node:assert/strict');
const { Blockchain } = require('@ton/sandbox');
const { toNano, TupleBuilder, beginCell } = require('@ton/core');
const { keyPairFromSeed } = require('@ton/crypto');
const crypto = require('crypto');
const L = require('../lib/layouts');
const { loadCodes } = require('../lib/compile');

const DEFAULT_PARAMS = Object.freeze({
    pricePerToken: 1000n,          // nanoTON per adjusted token
    workerFeePerToken: 800n,
    promptMult: 10000,
    cachedMult: 1000,
    completionMult: 10000,
    reasoningMult: 10000,
    proxyCloseDelay: 3600,
    clientCloseDelay: 600,
    minProxyStake: toNano('10'),
    minClientStake: toNano('1'),
});

const T0 = 1_700_000_000;

function keyPair(seed) {
    return keyPairFromSeed(crypto.createHash('sha256').update(seed).digest());
}

let codesPromise;
function codes() {
    codesPromise ??= loadCodes();
    return codesPromise;
}

// Summarises the transactions of a send: one entry per transaction.
function summarize(result) {
    return result.transactions.map((tx) => {
        const msg = tx.inMessage;
        const d = tx.description;
        let op = null;
        if (msg && msg.body) {
            const s = msg.body.beginParse();
            if (s.remainingBits >= 32) op = s.loadUint(32);
            if (op === 0xffffffff && s.remainingBits >= 32) op = s.loadUint(32);
        }
        const compute = d.computePhase;
        return {
            from: msg?.info.src?.toString?.(),
            to: msg?.info.dest?.toString?.(),
            op,
            bounced: msg?.info.type === 'internal' ? msg.info.bounced : false,
            value: msg?.info.type === 'internal' ? msg.info.value.coins : 0n,
            exitCode: compute.type === 'vm' ? compute.exitCode : null,
            gasUsed: compute.type === 'vm' ? compute.gasUsed : 0n,
            success: compute.type === 'vm' && compute.success && !d.aborted,
            aborted: d.aborted,
            fees: tx.totalFees.coins,
            outCount: tx.outMessagesCount,
        };
    });
}

// Asserts that a transaction matching all given fields exists; returns it.
function expectTx(result, match) {
    const all = summarize(result);
    const norm = { ...match };
    for (const k of ['from', 'to']) if (norm[k] && typeof norm[k] !== 'string') norm[k] = norm[k].toString();
    const found = all.find((t) => Object.entries(norm).every(([k, v]) => t[k] === v));
    assert.ok(found, `no transaction matching ${fmt(norm)} in:\n${all.map(fmt).join('\n')}`);
    return found;
}

function expectNoTx(result, match) {
    const all = summarize(result);
    const norm = { ...match };
    for (const k of ['from', 'to']) if (norm[k] && typeof norm[k] !== 'string') norm[k] = norm[k].toString();
    const found = all.find((t) => Object.entries(norm).every(([k, v]) => t[k] === v));
    assert.ok(!found, `unexpected transaction ${fmt(found ?? {})}`);
}

function fmt(o) {
    return JSON.stringify(o, (k, v) => (typeof v === 'bigint' ? v.toString() : (k === 'op' && typeof v === 'number' ? '0x' + v.toString(16) : v)));
}

// A fresh chain: owner wallet, a root with DEFAULT_PARAMS and all codes set.
async function createWorld({ params = DEFAULT_PARAMS } = {}) {
    const c = await codes();
    const bc = await Blockchain.create();
    bc.now = T0;
    const owner = await bc.treasury('owner');
    const root = L.stateOf(c.root, L.rootData({ owner: owner.address, params, codes: c }));
    const w = { bc, codes: c, owner, root, params };

    w.send = async (from, to, value, body, init) => {
        const res = await from.send({ to, value, body, init, bounce: true });
        return res;
    };
    w.get = async (address, method, args = []) => {
        const tb = new TupleBuilder();
        for (const a of args) {
            if (typeof a === 'bigint' || typeof a === 'number') tb.writeNumber(a);
            else if (Buffer.isBuffer(a)) tb.writeNumber(BigInt('0x' + a.toString('hex')));
            else tb.writeAddress(a);
        }
        const r = await bc.runGetMethod(address, method, tb.build());
        assert.equal(r.exitCode, 0, `get-method ${method} failed with ${r.exitCode}`);
        return r.stackReader;
    };
    w.balance = async (address) => (await bc.getContract(address)).balance;

    const deploy = await w.send(owner, root.address, toNano('1'), beginCell().endCell(), root.init);
    expectTx(deploy, { to: root.address, success: true });
    return w;
}

// Adds to a world: a proxy (deployed and staked), its key and owner wallet.
async function addProxy(w, { seed = 'proxy', stake = w.params.minProxyStake } = {}) {
    const proxyOwner = await w.bc.treasury(`${seed}-owner`);
    const key = keyPair(`${seed}-key`);
    const proxy = L.stateOf(w.codes.proxy, L.proxyData({
        owner: proxyOwner.address, proxyPubKey: key.publicKey, root: w.root.address,
        params: w.params, codes: w.codes,
    }));
    const res = await w.send(proxyOwner, proxy.address, stake + toNano('0.2'), L.body.addStake(stake, 1n), proxy.init);
    expectTx(res, { to: proxy.address, success: true });
    return { proxyOwner, key, proxy, deploy: res };
}

function clientOf(w, p, owner) {
    return L.stateOf(w.codes.client, L.clientData({
        proxy: p.proxy.address, proxyPubKey: p.key.publicKey, owner: owner.address, params: w.params,
    }));
}

function workerOf(w, p, owner) {
    return L.stateOf(w.codes.worker, L.workerData({
        proxy: p.proxy.address, proxyPubKey: p.key.publicKey, owner: owner.address, params: w.params,
    }));
}

// Deploys a client contract and stakes the minimum.
async function addClient(w, p, { seed = 'client', stake = w.params.minClientStake } = {}) {
    const clientOwner = await w.bc.treasury(seed);
    const client = clientOf(w, p, clientOwner);
    const res = await w.send(clientOwner, client.address, stake + toNano('0.1'), L.body.increaseStake(stake, 2n), client.init);
    expectTx(res, { from: p.proxy.address, to: client.address, op: L.OP.DEPOSIT_ACK, success: true });
    return { clientOwner, client, deploy: res };
}

async function addWorker(w, p, { seed = 'worker' } = {}) {
    const workerOwner = await w.bc.treasury(seed);
    return { workerOwner, worker: workerOf(w, p, workerOwner) };
}

// A message signed by the proxy key of `p` (or by `key` to forge one).
function signed(p, outerOp, payloadOp, target, totalTokens, { queryId = 0n, key = p.key } = {}) {
    const sp = L.signVoucher({ op: payloadOp, queryId, totalTokens: BigInt(totalTokens), target }, key.secretKey);
    return L.body.signed(outerOp, sp, queryId);
}

const charge = (p, client, total, opts) => signed(p, L.OP.CHARGE, L.OP.PAYLOAD_CHARGE, client, total, opts);
const finalRefund = (p, client, total, opts) => signed(p, L.OP.FINAL_REFUND, L.OP.PAYLOAD_FINAL_REFUND, client, total, opts);
const payout = (p, worker, total, opts) => signed(p, L.OP.PAYOUT, L.OP.PAYLOAD_WORKER_PAYOUT, worker, total, opts);
const lastPayout = (p, worker, total, opts) => signed(p, L.OP.LAST_PAYOUT, L.OP.PAYLOAD_WORKER_LAST_PAYOUT, worker, total, opts);
const completeClose = (p, opts) => signed(p, L.OP.COMPLETE_CLOSE, L.OP.PAYLOAD_PROXY_CLOSE, p.proxy.address, 0, opts);

const proxyData = async (w, p) => L.read.proxyData(await w.get(p.proxy.address, 'get_proxy_data'));
const clientData = async (w, c) => L.read.clientData(await w.get(c.client.address, 'get_client_data'));
const workerData = async (w, x) => L.read.workerData(await w.get(x.worker.address, 'get_worker_data'));

// Sum of the values a send delivered to `to` (payments, excesses).
function received(result, to) {
    return summarize(result).filter((t) => t.to === to.toString()).reduce((a, t) => a + t.value, 0n);
}

module.exports = {
    signed, charge, finalRefund, payout, lastPayout, completeClose, proxyData, clientData, workerData, received,
    DEFAULT_PARAMS, T0, keyPair, codes, summarize, expectTx, expectNoTx,
    createWorld, addProxy, addClient, addWorker, clientOf, workerOf, toNano, L,
};
