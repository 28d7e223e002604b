// LocalChain: @ton/sandbox (TON's transaction emulator) kept as a long-lived
// local chain. It owns the clock (wall time plus an offset that only grows),
// persists a snapshot to <stateDir>/chain.json after every change, deploys the
// root from a config on first start and funds wallets from a faucet.
// Not thread-safe by itself: callers serialise operations (see api.js).
'use strict';

const fs = require('fs');
const path = require('path');
const { Blockchain, GetMethodError, snapshotToSerializable, snapshotFromSerializable } = require('@ton/sandbox');
const { Address, Cell, beginCell, loadMessage, toNano } = require('@ton/core');
const L = require('../lib/layouts');
const { loadCodes } = require('../lib/compile');

const FAUCET_SEED = 'cocoon-localnet-faucet';
const ADMIN_SEED = 'cocoon-localnet-admin';
const FAUCET_MAX = toNano('100000');

const DEFAULT_PARAMS = {
    pricePerToken: '1000', workerFeePerToken: '800',
    promptMult: 10000, cachedMult: 1000, completionMult: 10000, reasoningMult: 10000,
    proxyCloseDelay: 60, clientCloseDelay: 60,
    minProxyStake: '10000000000', minClientStake: '1000000000',
};

function parseParams(p = {}) {
    const merged = { ...DEFAULT_PARAMS, ...p };
    const out = {};
    for (const f of L.PARAM_FIELDS) {
        out[f] = ['pricePerToken', 'workerFeePerToken', 'minProxyStake', 'minClientStake'].includes(f)
            ? BigInt(merged[f]) : Number(merged[f]);
    }
    return out;
}

const hexHash = (h) => {
    const b = Buffer.from(String(h).replace(/^0x/, ''), 'hex');
    if (b.length !== 32) throw new Error(`config: hash must be 32 bytes of hex: ${h}`);
    return b;
};

class LocalChain {
    constructor(stateDir) {
        this.stateDir = stateDir;
        this.file = path.join(stateDir, 'chain.json');
        this.infoFile = path.join(stateDir, 'info.json');
        this.bc = null;
        this.info = null;     // { root, rootOwner, timeOffset, lastNow, createdAt }
    }

    // Loads the saved chain, or creates one and deploys the root from `config`.
    async open(config = {}) {
        fs.mkdirSync(this.stateDir, { recursive: true });
        this.bc = await Blockchain.create();
        if (fs.existsSync(this.file) && fs.existsSync(this.infoFile)) {
            const snap = JSON.parse(fs.readFileSync(this.file, 'utf8'));
            await this.bc.loadFrom(snapshotFromSerializable(snap));
            this.info = JSON.parse(fs.readFileSync(this.infoFile, 'utf8'));
            this.tick();
            this.faucet = await this.bc.treasury(FAUCET_SEED, { balance: toNano('1000000000') });
            return { created: false };
        }
        this.info = { timeOffset: 0, lastNow: 0, createdAt: Math.floor(Date.now() / 1000) };
        this.tick();
        this.faucet = await this.bc.treasury(FAUCET_SEED, { balance: toNano('1000000000') });
        await this.deployRoot(config);
        this.save();
        return { created: true };
    }

    // Advances the chain clock to wall time (+ offset); it never goes back.
    tick() {
        const now = Math.max(Math.floor(Date.now() / 1000) + this.info.timeOffset, this.info.lastNow);
        this.info.lastNow = now;
        this.bc.now = now;
        return now;
    }

    advance(seconds) {
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > 10 * 365 * 24 * 3600) {
            throw new RangeError('seconds must be an integer in [0, 10 years]');
        }
        this.info.timeOffset += seconds;
        const now = this.tick();
        this.save();
        return now;
    }

    async deployRoot(config) {
        const codes = await loadCodes();
        const params = parseParams(config.params);
        const admin = await this.bc.treasury(ADMIN_SEED);
        const root = L.stateOf(codes.root, L.rootData({ owner: admin.address, params, codes }));
        const send = async (body, init) => {
            const r = await admin.send({ to: root.address, value: toNano('0.1'), body, init, bounce: false });
            const failed = r.transactions.find((t) => t.description.type === 'generic' && t.description.aborted);
            if (failed) throw new Error(`root deploy step failed (exit ${failed.description.computePhase.exitCode})`);
        };
        await send(beginCell().endCell(), root.init);
        let q = 1n;
        for (const h of config.proxyImages ?? []) await send(L.body.hashOp(L.OP.ADD_PROXY_IMAGE, hexHash(h), q++));
        for (const h of config.workerImages ?? []) await send(L.body.hashOp(L.OP.ADD_WORKER_IMAGE, hexHash(h), q++));
        for (const h of config.models ?? []) await send(L.body.hashOp(L.OP.ADD_MODEL, hexHash(h), q++));
        for (const e of config.proxies ?? []) await send(L.body.registerProxy(String(e), q++));
        let owner = admin.address;
        if (config.owner) {
            owner = Address.parse(config.owner);
            await send(L.body.changeOwner(owner, q++));
        }
        this.info.root = root.address.toString();
        this.info.rootOwner = owner.toString();
    }

    save() {
        const snap = snapshotToSerializable(this.bc.snapshot());
        const tmp = this.file + '.tmp';
        fs.writeFileSync(tmp, JSON.stringify(snap));
        fs.renameSync(tmp, this.file);
        fs.writeFileSync(this.infoFile + '.tmp', JSON.stringify(this.info, null, 2));
        fs.renameSync(this.infoFile + '.tmp', this.infoFile);
    }

    async account(address) {
        return this.bc.getContract(address);
    }

    async runGetMethod(address, method, stack) {
        this.tick();
        const c = await this.bc.getContract(address);
        if (c.accountState?.type !== 'active') {
            return { exitCode: -13, gasUsed: 0n, stack: [] };
        }
        try {
            return await this.bc.runGetMethod(address, method, stack);
        } catch (e) {
            if (e instanceof GetMethodError) return { exitCode: e.exitCode, gasUsed: e.gasUsed, stack: [] };
            throw e;
        }
    }

    // Sends an external message (BoC); returns its hash. Throws if not accepted.
    async sendBoc(boc) {
        const cell = Cell.fromBoc(boc)[0];
        if (!cell) throw new Error('empty boc');
        const msg = loadMessage(cell.beginParse());
        if (msg.info.type !== 'external-in') throw new Error('only external-in messages can be sent');
        this.tick();
        await this.bc.sendMessage(msg);
        this.save();
        return cell.hash();
    }

    async fund(address, amount) {
        if (amount <= 0n || amount > FAUCET_MAX) throw new RangeError(`amount must be in (0, ${FAUCET_MAX}] nanoTON`);
        this.tick();
        const r = await this.faucet.send({ to: address, value: amount, bounce: false });
        this.save();
        return r;
    }

    // Transactions of `address`, newest first, starting at (lt, hash) when given.
    transactions(address, { limit = 10, lt, hash, toLt } = {}) {
        let all = this.bc.transactions
            .filter((t) => Address.isAddress(t.inMessage?.info?.dest) && t.inMessage.info.dest.equals(address))
            .sort((a, b) => (a.lt < b.lt ? 1 : a.lt > b.lt ? -1 : 0));
        if (lt !== undefined) {
            all = all.filter((t) => t.lt <= BigInt(lt));
            if (hash) all = all.filter((t, i) => i > 0 || t.hash().equals(hash));
        }
        if (toLt !== undefined) all = all.filter((t) => t.lt > BigInt(toLt));
        return all.slice(0, limit);
    }
}

module.exports = { LocalChain, DEFAULT_PARAMS, parseParams };
