// The whole life of a network on one chain, with the gas and fees of every
// step printed: deploy root -> register proxy -> proxy stake -> client deploy
// and top-up -> charge -> worker payout -> commission withdraw -> client close
// -> proxy close.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { beginCell, fromNano } = require('@ton/core');
const H = require('./helpers');
const { L, toNano, expectTx } = H;
const { OP, STATE } = L;

test('full lifecycle with gas and fees per step', async () => {
    const P = H.DEFAULT_PARAMS;
    const c = await H.codes();
    const { Blockchain } = require('@ton/sandbox');
    const bc = await Blockchain.create();
    bc.now = H.T0;
    const send = (from, to, value, body, init) => from.send({ to, value, body, init, bounce: true });
    const get = async (addr, m, args = []) => (await bc.runGetMethod(addr, m, args)).stackReader;

    const labels = new Map();
    const label = (a) => labels.get(a?.toString()) ?? (a ? a.toString().slice(0, 8) : 'ext');
    const rows = [];
    const step = (name, result) => {
        let gas = 0n, fees = 0n;
        for (const t of H.summarize(result)) {
            gas += t.gasUsed; fees += t.fees;
            rows.push(`    ${label(t.from).padEnd(13)} -> ${label(t.to).padEnd(13)} op=${t.op === null ? '-' : '0x' + t.op.toString(16).padStart(8, '0')}${t.bounced ? ' (bounce)' : ''} exit=${t.exitCode} gas=${t.gasUsed} fee=${fromNano(t.fees)}`);
            assert.ok(t.success || t.op === null, `${name}: ${label(t.to)} failed with ${t.exitCode}`);
        }
        console.log(`step ${name}: ${result.transactions.length} tx, gas ${gas}, fees ${fromNano(fees)} TON`);
        for (const r of rows.splice(0)) console.log(r);
        return result;
    };

    const rootOwner = await bc.treasury('root-owner');
    const proxyOwner = await bc.treasury('proxy-owner');
    const clientOwner = await bc.treasury('client-owner');
    const workerOwner = await bc.treasury('worker-owner');
    const proxyWallet = await bc.treasury('proxy-wallet');   // the daemon's wallet; submits vouchers
    const key = H.keyPair('lifecycle-proxy-key');
    for (const [n, t] of Object.entries({ rootOwner, proxyOwner, clientOwner, workerOwner, proxyWallet })) labels.set(t.address.toString(), n);

    // 1. root
    const root = L.stateOf(c.root, L.rootData({ owner: rootOwner.address, params: P, codes: c }));
    labels.set(root.address.toString(), 'root');
    step('deploy root', await send(rootOwner, root.address, toNano('1'), beginCell().endCell(), root.init));

    // 2. register the proxy: its image, the worker image, the model and its endpoint
    const h = (s) => require('crypto').createHash('sha256').update(s).digest();
    step('register proxy image', await send(rootOwner, root.address, toNano('0.05'), L.body.hashOp(OP.ADD_PROXY_IMAGE, h('proxy-image'), 1n)));
    step('register worker image', await send(rootOwner, root.address, toNano('0.05'), L.body.hashOp(OP.ADD_WORKER_IMAGE, h('worker-image'), 2n)));
    step('register model', await send(rootOwner, root.address, toNano('0.05'), L.body.hashOp(OP.ADD_MODEL, h('Qwen/Qwen3-0.6B'), 3n)));
    step('register proxy endpoint', await send(rootOwner, root.address, toNano('0.05'), L.body.registerProxy('127.0.0.1:8443', 4n)));
    assert.equal((await get(root.address, 'get_version')).readNumber(), 4);

    // 3. proxy: address from the root, deployed with its stake
    const proxyAddr = (await bc.runGetMethod(root.address, 'get_proxy_address', [
        { type: 'slice', cell: beginCell().storeAddress(proxyOwner.address).endCell() },
        { type: 'int', value: BigInt('0x' + key.publicKey.toString('hex')) },
    ])).stackReader.readAddress();
    const proxy = L.stateOf(c.proxy, L.proxyData({ owner: proxyOwner.address, proxyPubKey: key.publicKey, root: root.address, params: P, codes: c }));
    assert.ok(proxy.address.equals(proxyAddr));
    labels.set(proxy.address.toString(), 'proxy');
    step('proxy deploy + stake', await send(proxyOwner, proxy.address, P.minProxyStake + toNano('0.1'), L.body.addStake(P.minProxyStake, 5n), proxy.init));
    assert.equal((await get(proxy.address, 'is_ready')).readBoolean(), true);

    // 4. client: deploy with stake, then top up
    const p = { proxy, key };
    const client = H.clientOf({ codes: c, params: P }, p, clientOwner);
    labels.set(client.address.toString(), 'client');
    step('client deploy + stake', await send(clientOwner, client.address, toNano('1.1'), L.body.increaseStake(toNano('1'), 6n), client.init));
    step('client top-up', await send(clientOwner, client.address, toNano('4.1'), L.body.topUp(toNano('4'), 7n)));
    let cd = L.read.clientData(await get(client.address, 'get_client_data'));
    assert.equal(cd.balance, toNano('5'));

    // 5. charge: the proxy wallet submits the latest cumulative voucher
    const tokens = 1_000_000n;
    step('charge', await send(proxyWallet, client.address, toNano('0.1'), H.charge(p, client.address, tokens, { queryId: 8n })));
    cd = L.read.clientData(await get(client.address, 'get_client_data'));
    assert.equal(cd.balance, toNano('5') - tokens * P.pricePerToken);

    // 6. worker payout: the worker submits its voucher (deploying its contract)
    const worker = H.workerOf({ codes: c, params: P }, p, workerOwner);
    labels.set(worker.address.toString(), 'worker');
    const wr = step('worker payout', await send(workerOwner, worker.address, toNano('0.1'), H.payout(p, worker.address, tokens, { queryId: 9n }), worker.init));
    assert.ok(H.received(wr, workerOwner.address) >= tokens * P.workerFeePerToken);

    // 7. commission
    let pd = L.read.proxyData(await get(proxy.address, 'get_proxy_data'));
    const commission = tokens * (P.pricePerToken - P.workerFeePerToken);
    assert.equal(pd.commission, commission);
    const cw = step('commission withdraw', await send(proxyOwner, proxy.address, toNano('0.05'), L.body.withdrawCommission(0n, 10n)));
    assert.ok(H.received(cw, proxyOwner.address) >= commission);

    // 8. client close: request, then the proxy's signed final refund
    step('client request refund', await send(clientOwner, client.address, toNano('0.05'), L.body.requestRefund(11n)));
    const fr = step('client final refund', await send(proxyWallet, client.address, toNano('0.2'), H.finalRefund(p, client.address, tokens + 1000n, { queryId: 12n })));
    const refund = toNano('5') - (tokens + 1000n) * P.pricePerToken;
    assert.ok(H.received(fr, clientOwner.address) >= refund);
    cd = L.read.clientData(await get(client.address, 'get_client_data'));
    assert.equal(cd.state, STATE.CLOSED);

    // 9. worker's last payout for the final 1000 tokens, then proxy close
    step('worker last payout', await send(workerOwner, worker.address, toNano('0.1'), H.lastPayout(p, worker.address, tokens + 1000n, { queryId: 13n })));
    step('proxy start close', await send(proxyOwner, proxy.address, toNano('0.05'), L.body.startClose(14n)));
    bc.now = H.T0 + P.proxyCloseDelay;
    const pc = step('proxy complete close', await send(proxyWallet, proxy.address, toNano('0.05'), H.completeClose(p, { queryId: 15n })));
    assert.ok(H.received(pc, proxyOwner.address) >= P.minProxyStake + 1000n * (P.pricePerToken - P.workerFeePerToken));

    pd = L.read.proxyData(await get(proxy.address, 'get_proxy_data'));
    assert.deepEqual(pd, {
        state: STATE.CLOSED, stake: 0n, stakeUsed: 0n, clientFunds: 0n, revenue: 0n, commission: 0n,
        closeStartedAt: H.T0,
    });
    const left = (await bc.getContract(proxy.address)).balance;
    console.log(`proxy balance left after close: ${fromNano(left)} TON (storage reserve)`);
    assert.ok(left < toNano('0.02'));
});
