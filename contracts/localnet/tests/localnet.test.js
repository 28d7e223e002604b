// Drives the local chain over HTTP only, as the C++ daemons will: it starts
// `node localnet/main.js` as a child process on 127.0.0.1, funds a standard
// wallet from the faucet, sends external messages, runs get-methods, reads
// transactions, moves the clock and restarts the service on the same state.
'use strict';

const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { Address, Cell, beginCell, toNano, internal, external, storeMessage, SendMode } = require('@ton/core');
const { WalletContractV4 } = require('@ton/ton');
const { keyPairFromSeed } = require('@ton/crypto');
const L = require('../../lib/layouts');
const { loadCodes } = require('../../lib/compile');

const MAIN = path.join(__dirname, '..', 'main.js');

function start(stateDir, configFile) {
    return new Promise((resolve, reject) => {
        const args = [MAIN, '--state', stateDir, '--port', '0'];
        if (configFile) args.push('--config', configFile);
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`localnet did not start:\n${out}`)); }, 60000);
        child.stdout.on('data', (d) => {
            out += d;
            if (out.includes('localnet: ready')) {
                clearTimeout(timer);
                const endpoint = /endpoint (\S+)/.exec(out)[1];
                const root = Address.parse(/localnet: root (\S+)/.exec(out)[1]);
                resolve({ child, endpoint, base: endpoint.replace(/\/api\/v2$/, ''), root, out });
            }
        });
        child.stderr.on('data', (d) => { out += d; });
        child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`localnet exited with ${code}:\n${out}`)); });
    });
}

function stop(node) {
    return new Promise((resolve) => {
        if (node.child.exitCode !== null) { resolve(); return; }
        node.child.removeAllListeners('exit');
        node.child.once('exit', () => resolve());
        node.child.kill('SIGTERM');
    });
}

async function call(node, method, { get, post, raw = false } = {}) {
    let res;
    if (post !== undefined) {
        res = await fetch(`${node.endpoint}/${method}`, {
            method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(post),
        });
    } else {
        const qs = new URLSearchParams(get ?? {}).toString();
        res = await fetch(`${method.startsWith('/') ? node.base + method : node.endpoint + '/' + method}${qs ? '?' + qs : ''}`);
    }
    const json = await res.json();
    if (raw) return { status: res.status, json };
    assert.equal(json.ok, true, `${method}: ${JSON.stringify(json)}`);
    return json.result;
}

async function localPost(node, p, body) {
    const res = await fetch(node.base + p, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
}

async function runGet(node, address, method, stack = []) {
    const r = await call(node, 'runGetMethod', { post: { address: address.toString(), method, stack } });
    assert.equal(r.exit_code, 0, `${method} exit ${r.exit_code}`);
    return r.stack;
}

const num = (e) => { assert.equal(e[0], 'num'); return e[1].startsWith('-') ? -BigInt(e[1].slice(1)) : BigInt(e[1]); };
const cellOf = (e) => Cell.fromBase64(e[1].bytes);

describe('localnet over HTTP', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cocoon-localnet-'));
    const stateDir = path.join(dir, 'state');
    const configFile = path.join(dir, 'config.json');
    const model = crypto.createHash('sha256').update('Qwen/Qwen3-0.6B').digest('hex');
    const workerImage = 'ab'.repeat(32);
    const key = keyPairFromSeed(crypto.createHash('sha256').update('localnet-wallet').digest());
    const wallet = WalletContractV4.create({ workchain: 0, publicKey: key.publicKey });
    let node, codes;

    before(async () => {
        fs.writeFileSync(configFile, JSON.stringify({
            params: { clientCloseDelay: 120, minClientStake: '2000000000' },
            models: [model], workerImages: [workerImage], proxies: ['127.0.0.1:8443', 'proxy-2.local:9443'],
        }));
        codes = await loadCodes();
        node = await start(stateDir, configFile);
    });
    after(async () => {
        if (node) await stop(node);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    // Sends an external transfer signed by the wallet key (deploying the wallet on seqno 0).
    // valid_until follows the chain clock, which may run ahead of wall time.
    async function transfer(seqno, messages, { method = 'sendBocReturnHash' } = {}) {
        const now = (await call(node, '/localnet/info')).now;
        const body = wallet.createTransfer({ seqno, secretKey: key.secretKey, messages, sendMode: SendMode.PAY_GAS_SEPARATELY, timeout: now + 60 });
        const ext = external({ to: wallet.address, init: seqno === 0 ? wallet.init : undefined, body });
        const boc = beginCell().store(storeMessage(ext)).endCell();
        const r = await call(node, method, { post: { boc: boc.toBoc().toString('base64') } });
        return { r, hash: boc.hash() };
    }

    test('prints endpoint and root; the root is deployed from the config', async () => {
        assert.match(node.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
        assert.equal(await call(node, 'getAddressState', { get: { address: node.root.toString() } }), 'active');
        const info = await call(node, 'getAddressInformation', { get: { address: node.root.toString() } });
        assert.equal(info['@type'], 'raw.fullAccountState');
        assert.equal(info.state, 'active');
        assert.ok(Cell.fromBase64(info.code).equals(codes.root));
        assert.ok(BigInt(info.balance) > 0n);
        assert.equal(await call(node, 'getAddressBalance', { get: { address: node.root.toString() } }), info.balance);

        const params = (await runGet(node, node.root, 'get_params')).map(num);
        assert.equal(params.length, 10);
        assert.equal(params[0], 1000n);                 // price per token (default)
        assert.equal(params[7], 120n);                  // client close delay (config)
        assert.equal(params[9], toNano('2'));           // min client stake (config)
        const allowed = await runGet(node, node.root, 'is_model_allowed', [['num', '0x' + model]]);
        assert.equal(num(allowed[0]), -1n);
        const notAllowed = await runGet(node, node.root, 'is_proxy_image_allowed', [['num', '0x' + model]]);
        assert.equal(num(notAllowed[0]), 0n);
        assert.equal(num((await runGet(node, node.root, 'is_worker_image_allowed', [['num', '0x' + workerImage]]))[0]), -1n);
        const ep = await runGet(node, node.root, 'get_proxy_endpoint', [['num', '1']]);
        assert.equal(num(ep[0]), -1n);
        assert.equal(cellOf(ep[1]).beginParse().loadStringTail(), 'proxy-2.local:9443');
        assert.equal(num((await runGet(node, node.root, 'get_version'))[0]), 4n);
        const info2 = await call(node, '/localnet/info');
        assert.equal(Address.parse(info2.root).toString(), node.root.toString());
    });

    test('faucet funds an uninitialised wallet', async () => {
        assert.equal(await call(node, 'getAddressState', { get: { address: wallet.address.toString() } }), 'uninitialized');
        const r = await localPost(node, '/localnet/faucet', { address: wallet.address.toString(), amount: toNano('50').toString() });
        assert.equal(r.status, 200);
        assert.equal(r.json.result.balance, toNano('50').toString());
        assert.equal(await call(node, 'getAddressBalance', { get: { address: wallet.address.toString() } }), toNano('50').toString());
        const bad = await localPost(node, '/localnet/faucet', { address: wallet.address.toString(), amount: '-1' });
        assert.equal(bad.status, 400);
        assert.equal(bad.json.ok, false);
    });

    test('sendBocReturnHash deploys the wallet; it deploys and stakes a proxy contract', async () => {
        const proxyKey = keyPairFromSeed(crypto.createHash('sha256').update('localnet-proxy').digest());
        const st = await runGet(node, node.root, 'get_proxy_address', [
            ['tvm.Slice', beginCell().storeAddress(wallet.address).endCell().toBoc().toString('base64')],
            ['num', '0x' + proxyKey.publicKey.toString('hex')],
        ]);
        const fromRoot = cellOf(st[0]).beginParse().loadAddress();
        const rootParams = (await runGet(node, node.root, 'get_params')).map(num);
        const P = {};
        L.PARAM_FIELDS.forEach((f, i) => { P[f] = rootParams[i]; });
        const proxy = L.stateOf(codes.proxy, L.proxyData({
            owner: wallet.address, proxyPubKey: proxyKey.publicKey, root: node.root, params: P, codes,
        }));
        assert.ok(proxy.address.equals(fromRoot), 'root and client compute the same proxy address');

        const { r, hash } = await transfer(0, [internal({
            to: proxy.address, value: P.minProxyStake + toNano('0.2'), init: proxy.init, bounce: false,
            body: L.body.addStake(P.minProxyStake, 1n),
        })]);
        assert.equal(r['@type'], 'raw.extMessageInfo');
        assert.equal(r.hash, hash.toString('base64'));
        assert.equal(await call(node, 'getAddressState', { get: { address: wallet.address.toString() } }), 'active');
        assert.equal(num((await runGet(node, wallet.address, 'seqno'))[0]), 1n);
        assert.equal(num((await runGet(node, proxy.address, 'is_ready'))[0]), -1n);
        const data = await runGet(node, proxy.address, 'get_proxy_data');
        assert.equal(num(data[1]), P.minProxyStake);

        // transactions of the wallet: the external that deployed it, newest first
        const txs = await call(node, 'getTransactions', { get: { address: wallet.address.toString(), limit: '5' } });
        assert.ok(txs.length >= 2);
        assert.ok(BigInt(txs[0].transaction_id.lt) > BigInt(txs[1].transaction_id.lt));
        const ext = txs.find((t) => t.in_msg && t.in_msg.source === '' && t.out_msgs.length === 1);
        assert.ok(ext, 'external transaction listed');
        assert.equal(Address.parse(ext.out_msgs[0].destination).toString(), proxy.address.toString());
        assert.ok(Cell.fromBase64(ext.data).hash().toString('base64') === ext.transaction_id.hash);
        // paging from a transaction id
        const page = await call(node, 'getTransactions', { get: {
            address: wallet.address.toString(), limit: '1', lt: txs[1].transaction_id.lt, hash: txs[1].transaction_id.hash,
        } });
        assert.equal(page.length, 1);
        assert.equal(page[0].transaction_id.hash, txs[1].transaction_id.hash);
        const ptx = await call(node, 'getTransactions', { get: { address: proxy.address.toString() } });
        assert.equal(ptx[0].compute_exit_code, 0);

        // sendBoc (no hash) works the same; a replayed external is refused
        const second = await transfer(1, [internal({ to: node.root, value: toNano('0.1'), bounce: false })], { method: 'sendBoc' });
        assert.deepEqual(second.r, { '@type': 'ok' });
        const body = wallet.createTransfer({ seqno: 1, secretKey: key.secretKey, messages: [], sendMode: SendMode.PAY_GAS_SEPARATELY });
        const replay = beginCell().store(storeMessage(external({ to: wallet.address, body }))).endCell();
        const rr = await call(node, 'sendBoc', { post: { boc: replay.toBoc().toString('base64') }, raw: true });
        assert.equal(rr.status, 500);
        assert.equal(rr.json.ok, false);
        assert.equal(num((await runGet(node, wallet.address, 'seqno'))[0]), 2n);
    });

    test('bad requests get clear errors', async () => {
        let r = await call(node, 'getAddressBalance', { get: { address: 'not-an-address' }, raw: true });
        assert.equal(r.status, 400);
        assert.match(r.json.error, /invalid address/);
        r = await call(node, 'nope', { raw: true });
        assert.equal(r.status, 404);
        r = await call(node, 'sendBoc', { post: { boc: 'AAAA' }, raw: true });
        assert.equal(r.status, 500);
        r = await call(node, 'runGetMethod', { post: { address: node.root.toString(), method: 'get_version', stack: [['bogus', 1]] }, raw: true });
        assert.equal(r.status, 400);
        const missing = await call(node, 'runGetMethod', { post: { address: node.root.toString(), method: 'no_such_method', stack: [] } });
        assert.notEqual(missing.exit_code, 0);
        const uninit = await call(node, 'runGetMethod', { post: { address: '0:' + '1'.repeat(64), method: 'seqno', stack: [] } });
        assert.equal(uninit.exit_code, -13);
    });

    test('the clock advances and can be moved forward', async () => {
        const a = (await call(node, '/localnet/info')).now;
        const moved = await localPost(node, '/localnet/advance', { seconds: 3600 });
        assert.equal(moved.status, 200);
        assert.ok(moved.json.result.now >= a + 3600);
        const b = (await call(node, '/localnet/info')).now;
        assert.ok(b >= a + 3600);
        const bad = await localPost(node, '/localnet/advance', { seconds: -5 });
        assert.equal(bad.status, 400);
    });

    test('state survives a restart; the root is not deployed again', async () => {
        const before = {
            balance: await call(node, 'getAddressBalance', { get: { address: wallet.address.toString() } }),
            version: num((await runGet(node, node.root, 'get_version'))[0]),
            now: (await call(node, '/localnet/info')).now,
            txs: (await call(node, 'getTransactions', { get: { address: wallet.address.toString(), limit: '100' } })).length,
        };
        const root = node.root;
        await stop(node);
        node = await start(stateDir, configFile);
        assert.match(node.out, /loaded the chain/);
        assert.ok(node.root.equals(root));
        assert.equal(await call(node, 'getAddressBalance', { get: { address: wallet.address.toString() } }), before.balance);
        assert.equal(num((await runGet(node, node.root, 'get_version'))[0]), before.version);
        assert.equal(num((await runGet(node, wallet.address, 'seqno'))[0]), 2n);
        assert.ok((await call(node, '/localnet/info')).now >= before.now, 'the clock does not go back');
        const txs = await call(node, 'getTransactions', { get: { address: wallet.address.toString(), limit: '100' } });
        assert.equal(txs.length, before.txs);
        // and it keeps working
        await transfer(2, [internal({ to: node.root, value: toNano('0.1'), bounce: false })]);
        assert.equal(num((await runGet(node, wallet.address, 'seqno'))[0]), 3n);
    });
});
