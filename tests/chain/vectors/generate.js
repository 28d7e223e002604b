// Generates the vectors the C++ contract bindings (src/ton/contracts) must
// match byte for byte, from the contracts' own JS layouts
// (contracts/lib/layouts.js), @ton/core, and the compiled contracts running
// in @ton/sandbox (addresses the contracts compute, storage after real
// messages, get-method stacks in the HTTP API's JSON form).
//
// Usage: node generate.js CONTRACTS_DIR OUTPUT.json
// Needs CONTRACTS_DIR/node_modules (cd contracts && npm ci). Deterministic:
// fixed keys, addresses and amounts.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const crypto = require('crypto');

const [contractsDir, outFile] = process.argv.slice(2);
if (!contractsDir || !outFile) {
    console.error('usage: node generate.js CONTRACTS_DIR OUTPUT.json');
    process.exit(2);
}
const req = createRequire(path.join(path.resolve(contractsDir), 'package.json'));
const { Address, beginCell, toNano } = req('@ton/core');
const { keyPairFromSeed } = req('@ton/crypto');
const { Blockchain } = req('@ton/sandbox');
const L = req('./lib/layouts');
const { loadCodes } = req('./lib/compile');
const { stackEntryOut } = req('./localnet/api');

const hex = (b) => Buffer.from(b).toString('hex');
const boc = (cell) => hex(cell.toBoc({ idx: false, crc32: false }));
const sha = (s) => crypto.createHash('sha256').update(s).digest();
const keyOf = (seed) => keyPairFromSeed(sha(seed));

const PARAMS = [
    {
        pricePerToken: 1000n, workerFeePerToken: 800n, promptMult: 10000, cachedMult: 1000,
        completionMult: 10000, reasoningMult: 10000, proxyCloseDelay: 3600, clientCloseDelay: 600,
        minProxyStake: toNano('10'), minClientStake: toNano('1'),
    },
    {   // not what a root accepts in set_params, but a valid layout: big coins, extreme uint32
        pricePerToken: (1n << 120n) - 1n, workerFeePerToken: 0n, promptMult: 1, cachedMult: 0xffffffff,
        completionMult: 1000000, reasoningMult: 7, proxyCloseDelay: 0, clientCloseDelay: 4294967295,
        minProxyStake: 1n, minClientStake: 123456789012345678901234567890n,
    },
];
const paramsJson = (p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.toString()]));

async function main() {
    const codes = await loadCodes();
    const out = { codes: {}, params: [], storage: {}, bodies: [], sandbox: {} };
    for (const n of ['root', 'proxy', 'client', 'worker']) out.codes[n] = { hash: hex(codes[n].hash()), boc: boc(codes[n]) };
    for (const p of PARAMS) out.params.push({ fields: paramsJson(p), boc: boc(L.paramsCell(p)) });

    // ---- storage and addresses (pure layouts) ----
    const owner = Address.parse('0:' + '11'.repeat(32));
    const rootAddr = Address.parse('0:' + '22'.repeat(32));
    const childOwner = Address.parse('-1:' + '33'.repeat(32));
    const proxyKey = keyOf('chain-vectors-proxy');
    const P = PARAMS[0];
    const rootWith = L.stateOf(codes.root, L.rootData({ owner, params: P, codes }));
    const rootWithout = L.stateOf(codes.root, L.rootData({ owner, params: P }));
    const proxy = L.stateOf(codes.proxy, L.proxyData({ owner, proxyPubKey: proxyKey.publicKey, root: rootAddr, params: P, codes }));
    const child = { proxy: proxy.address, proxyPubKey: proxyKey.publicKey, owner: childOwner, params: P };
    const client = L.stateOf(codes.client, L.clientData(child));
    const worker = L.stateOf(codes.worker, L.workerData(child));
    const st = (s) => ({ data: boc(s.init.data), address: s.address.toRawString() });
    out.storage = {
        owner: owner.toRawString(), root: rootAddr.toRawString(), child_owner: childOwner.toRawString(),
        proxy_key_seed: 'chain-vectors-proxy', proxy_key: hex(proxyKey.publicKey),
        root_with_codes: st(rootWith), root_without_codes: st(rootWithout),
        proxy: st(proxy), client: st(client), worker: st(worker),
    };

    // ---- message bodies ----
    const B = (name, args, cell) => out.bodies.push({ name, args, boc: boc(cell) });
    const h1 = sha('hash-one');
    for (const [name, op] of [['add_proxy_image', L.OP.ADD_PROXY_IMAGE], ['remove_proxy_image', L.OP.REMOVE_PROXY_IMAGE],
        ['add_worker_image', L.OP.ADD_WORKER_IMAGE], ['remove_worker_image', L.OP.REMOVE_WORKER_IMAGE],
        ['add_model', L.OP.ADD_MODEL], ['remove_model', L.OP.REMOVE_MODEL]]) {
        B(name, { hash: hex(h1), query_id: '7' }, L.body.hashOp(op, h1, 7n));
    }
    const longEndpoint = 'proxy-' + 'x'.repeat(300) + '.example:9443 \u00e9\u4e2d';
    B('register_proxy', { endpoint: '127.0.0.1:8443', query_id: '1' }, L.body.registerProxy('127.0.0.1:8443', 1n));
    B('register_proxy', { endpoint: longEndpoint, query_id: '2' }, L.body.registerProxy(longEndpoint, 2n));
    B('update_proxy', { seqno: 5, endpoint: 'h:1', query_id: '3' }, L.body.updateProxy(5, 'h:1', 3n));
    B('unregister_proxy', { seqno: 4294967295, query_id: '18446744073709551615' }, L.body.unregisterProxy(4294967295, 0xffffffffffffffffn));
    B('set_params', { params: 0, query_id: '9' }, L.body.setParams(P, 9n));
    B('set_codes', { query_id: '10' }, L.body.setCodes(codes, 10n));
    B('change_owner', { owner: childOwner.toRawString(), query_id: '11' }, L.body.changeOwner(childOwner, 11n));
    B('add_stake', { amount: toNano('10').toString(), query_id: '12' }, L.body.addStake(toNano('10'), 12n));
    B('withdraw_commission', { amount: '0', query_id: '13' }, L.body.withdrawCommission(0n, 13n));
    B('start_close', { query_id: '14' }, L.body.startClose(14n));
    B('top_up', { amount: '1', query_id: '15' }, L.body.topUp(1n, 15n));
    B('increase_stake', { amount: ((1n << 120n) - 1n).toString(), query_id: '16' }, L.body.increaseStake((1n << 120n) - 1n, 16n));
    B('set_secret_hash', { hash: hex(h1), query_id: '17' }, L.body.setSecretHash(h1, 17n));
    B('withdraw', { amount: '5000', query_id: '18' }, L.body.withdraw(5000n, 18n));
    B('request_refund', { query_id: '19' }, L.body.requestRefund(19n));
    B('force_refund', { query_id: '20' }, L.body.forceRefund(20n));
    // signed: the payload and signature travel with the vector (as src/pay makes them)
    const signed = [
        ['charge', L.OP.CHARGE, L.OP.PAYLOAD_CHARGE, client.address],
        ['final_refund', L.OP.FINAL_REFUND, L.OP.PAYLOAD_FINAL_REFUND, client.address],
        ['payout', L.OP.PAYOUT, L.OP.PAYLOAD_WORKER_PAYOUT, worker.address],
        ['last_payout', L.OP.LAST_PAYOUT, L.OP.PAYLOAD_WORKER_LAST_PAYOUT, worker.address],
        ['complete_close', L.OP.COMPLETE_CLOSE, L.OP.PAYLOAD_PROXY_CLOSE, proxy.address],
    ];
    let q = 30n;
    for (const [name, op, payloadOp, target] of signed) {
        const sp = L.signVoucher({ op: payloadOp, queryId: q, totalTokens: 1000n + q, target }, proxyKey.secretKey);
        B(name, { payload: boc(sp.payload), signature: hex(sp.signature), target: target.toRawString(), query_id: q.toString() },
            L.body.signed(op, sp, q));
        q++;
    }
    const anchor = L.signPayload(L.anchorPayload({ queryId: 5n, seqno: 42n, sessionHash: sha('session'), target: proxy.address }), proxyKey.secretKey);
    B('anchor', { payload: boc(anchor.payload), signature: hex(anchor.signature), target: proxy.address.toRawString(), query_id: '40' },
        L.body.signed(L.OP.ANCHOR, anchor, 40n));

    // ---- the contracts themselves (sandbox) ----
    const bc = await Blockchain.create();
    bc.now = 1_700_000_000;
    const admin = await bc.treasury('chain-vectors-admin');
    const root = L.stateOf(codes.root, L.rootData({ owner: admin.address, params: P, codes }));
    const send = async (to, body, value = toNano('0.2'), init) => {
        const r = await admin.send({ to, value, body, init, bounce: false });
        const bad = r.transactions.find((t) => t.description.type === 'generic' && t.description.aborted && t.description.computePhase.type === 'vm');
        if (bad) throw new Error(`sandbox step failed: exit ${bad.description.computePhase.exitCode}`);
    };
    await send(root.address, beginCell().endCell(), toNano('1'), root.init);
    const img = [sha('proxy-image-1'), sha('proxy-image-2')];
    const wimg = [sha('worker-image-1')];
    const models = [sha('Qwen/Qwen3-0.6B'), sha('llama')];
    let qid = 1n;
    for (const h of img) await send(root.address, L.body.hashOp(L.OP.ADD_PROXY_IMAGE, h, qid++));
    for (const h of wimg) await send(root.address, L.body.hashOp(L.OP.ADD_WORKER_IMAGE, h, qid++));
    for (const h of models) await send(root.address, L.body.hashOp(L.OP.ADD_MODEL, h, qid++));
    await send(root.address, L.body.registerProxy('127.0.0.1:8443', qid++));
    await send(root.address, L.body.registerProxy(longEndpoint, qid++));
    await send(root.address, L.body.registerProxy('gone:1', qid++));
    await send(root.address, L.body.unregisterProxy(2, qid++));
    await send(root.address, L.body.updateProxy(0, 'proxy-1.local:8443', qid++));
    await send(root.address, L.body.hashOp(L.OP.REMOVE_MODEL, models[1], qid++));
    const rootAcc = await bc.getContract(root.address);
    const get = async (addr, method, args = []) => {
        const r = await bc.runGetMethod(addr, method, args);
        return { exit_code: r.exitCode, stack: r.stack.map(stackEntryOut) };
    };
    const addrArg = (a) => ({ type: 'slice', cell: beginCell().storeAddress(a).endCell() });
    const sandbox = out.sandbox;
    sandbox.root = {
        address: root.address.toRawString(), owner: admin.address.toRawString(),
        data: boc(rootAcc.accountState.state.data),
        proxy_images: img.map(hex), worker_images: wimg.map(hex), models: [hex(models[0])],
        proxies: { 0: 'proxy-1.local:8443', 1: longEndpoint }, next_proxy_seqno: 3,
    };
    // The proxy of `owner` with proxyKey, deployed by its first add_stake.
    const pOwner = admin.address;
    const pState = L.stateOf(codes.proxy, L.proxyData({ owner: pOwner, proxyPubKey: proxyKey.publicKey, root: root.address, params: P, codes }));
    await send(pState.address, L.body.addStake(P.minProxyStake, 1n), P.minProxyStake + toNano('0.2'), pState.init);
    const cOwner = Address.parse('0:' + '44'.repeat(32));
    sandbox.proxy = { owner: pOwner.toRawString(), address: pState.address.toRawString(), child_owner: cOwner.toRawString() };
    sandbox.get = {
        root_get_root_data: await get(root.address, 'get_root_data'),
        root_get_version: await get(root.address, 'get_version'),
        root_get_params: await get(root.address, 'get_params'),
        root_get_codes: await get(root.address, 'get_codes'),
        root_get_proxy_endpoint_1: await get(root.address, 'get_proxy_endpoint', [{ type: 'int', value: 1n }]),
        root_get_proxy_endpoint_2: await get(root.address, 'get_proxy_endpoint', [{ type: 'int', value: 2n }]),
        root_is_model_allowed: await get(root.address, 'is_model_allowed', [{ type: 'int', value: BigInt('0x' + hex(models[0])) }]),
        root_get_proxy_address: await get(root.address, 'get_proxy_address', [addrArg(pOwner), { type: 'int', value: BigInt('0x' + hex(proxyKey.publicKey)) }]),
        proxy_get_proxy_data: await get(pState.address, 'get_proxy_data'),
        proxy_get_proxy_config: await get(pState.address, 'get_proxy_config'),
        proxy_get_anchor: await get(pState.address, 'get_anchor'),
        proxy_is_ready: await get(pState.address, 'is_ready'),
        proxy_get_client_address: await get(pState.address, 'get_client_address', [addrArg(cOwner)]),
        proxy_get_worker_address: await get(pState.address, 'get_worker_address', [addrArg(cOwner)]),
    };
    // A client deployed by its owner's increase_stake, and its getters.
    const owner2 = await bc.treasury('chain-vectors-client');
    const cState = L.stateOf(codes.client, L.clientData({ proxy: pState.address, proxyPubKey: proxyKey.publicKey, owner: owner2.address, params: P }));
    const r2 = await owner2.send({ to: cState.address, value: P.minClientStake + toNano('0.2'), body: L.body.increaseStake(P.minClientStake, 3n), init: cState.init });
    if (r2.transactions.some((t) => t.description.type === 'generic' && t.description.aborted)) throw new Error('client deploy failed');
    sandbox.client = { owner: owner2.address.toRawString(), address: cState.address.toRawString() };
    sandbox.get.client_get_client_data = await get(cState.address, 'get_client_data');
    sandbox.get.client_get_client_config = await get(cState.address, 'get_client_config');
    sandbox.get.proxy_get_client_address_2 = await get(pState.address, 'get_client_address', [addrArg(owner2.address)]);
    // A worker deployed by a payout voucher.
    const wState = L.stateOf(codes.worker, L.workerData({ proxy: pState.address, proxyPubKey: proxyKey.publicKey, owner: cOwner, params: P }));
    const v = L.signVoucher({ op: L.OP.PAYLOAD_WORKER_PAYOUT, queryId: 1n, totalTokens: 100n, target: wState.address }, proxyKey.secretKey);
    await send(wState.address, L.body.signed(L.OP.PAYOUT, v, 1n), toNano('0.2'), wState.init);
    sandbox.worker = { address: wState.address.toRawString() };
    sandbox.get.worker_get_worker_data = await get(wState.address, 'get_worker_data');
    sandbox.get.worker_get_worker_config = await get(wState.address, 'get_worker_config');

    fs.writeFileSync(outFile, JSON.stringify(out, null, 1));
}

main().catch((e) => { console.error(e.stack || e.message); process.exit(1); });
