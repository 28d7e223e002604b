// Byte compatibility of the C++ vouchers and anchors with the contracts.
//
// Usage: node contracts_compat.js PAY_VOUCHER_TOOL CONTRACTS_DIR
//
// For each kind, the C++ tool (voucher_tool.cpp) signs a voucher with the
// proxy key of a @ton/sandbox world built by contracts/tests/helpers.js; the
// script checks that contracts/lib/layouts.js builds the same payload (hash)
// and message body (BoC bytes), that the signature verifies with @ton/crypto
// and equals the JS one (Ed25519 is deterministic), and then sends the C++
// body to the real contract and checks that it is applied. The other way, the
// C++ verifier accepts JS-made vouchers and refuses tampered ones.
//
// Exits 77 (CTest: skipped) when contracts/node_modules is missing.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const assert = require('node:assert/strict');

const [toolArg, contractsArg] = process.argv.slice(2);
const tool = toolArg && path.resolve(toolArg);
const contractsDir = contractsArg && path.resolve(contractsArg);
if (!tool || !contractsDir) {
    console.error('usage: node contracts_compat.js PAY_VOUCHER_TOOL CONTRACTS_DIR');
    process.exit(2);
}
if (!fs.existsSync(path.join(contractsDir, 'node_modules', '@ton', 'sandbox'))) {
    console.log(`SKIP: ${contractsDir}/node_modules is missing; run (cd contracts && npm ci) to check the vouchers against the contracts`);
    process.exit(77);
}

const H = require(path.join(contractsDir, 'tests', 'helpers.js'));
const { L, toNano, expectTx } = H;
const { OP, ERR, STATE } = L;
const contractsRequire = require('module').createRequire(path.join(contractsDir, 'package.json'));
const { Cell, beginCell } = contractsRequire('@ton/core');
const { signVerify } = contractsRequire('@ton/crypto');
const crypto = require('crypto');

function cpp(...args) {
    return execFileSync(tool, args.map(String), { encoding: 'utf8' }).trim();
}

// Signs with the C++ tool; returns { body, payloadHash, signature }.
function cppVoucher(seed, kind, queryId, total, target) {
    const [boc, payloadHash, signature] = cpp('sign', seed.toString('hex'), kind, queryId, total, target.toRawString()).split(' ');
    return { body: Cell.fromBoc(Buffer.from(boc, 'hex'))[0], boc: Buffer.from(boc, 'hex'), payloadHash, signature: Buffer.from(signature, 'hex') };
}

function cppVerify(pubkey, target, kinds, last, boc) {
    try {
        return { ok: true, out: cpp('verify', pubkey.toString('hex'), target.toRawString(), kinds, last, boc.toString('hex')) };
    } catch (e) {
        return { ok: false, out: String(e.stdout).trim() };
    }
}

// The same voucher through layouts.js; checks hash, BoC bytes and signature.
function compare(name, c, jsOuterOp, payloadOp, target, total, queryId, key) {
    const payload = L.voucherPayload({ op: payloadOp, queryId: BigInt(queryId), totalTokens: BigInt(total), target });
    assert.equal(c.payloadHash, payload.hash().toString('hex'), `${name}: payload hash`);
    assert.ok(signVerify(payload.hash(), c.signature, key.publicKey), `${name}: signature does not verify in JS`);
    const js = L.body.signed(jsOuterOp, L.signPayload(payload, key.secretKey), BigInt(queryId));
    assert.equal(c.body.hash().toString('hex'), js.hash().toString('hex'), `${name}: body hash`);
    assert.equal(c.boc.toString('hex'), js.toBoc().toString('hex'), `${name}: BoC bytes`);
    return js;
}

async function main() {
    const w = await H.createWorld();
    const p = await H.addProxy(w);
    const c = await H.addClient(w, p, { stake: toNano('5') });
    const x = await H.addWorker(w, p);
    const stranger = await w.bc.treasury('stranger');
    const seed = crypto.createHash('sha256').update('proxy-key').digest();  // helpers.keyPair('proxy-key')
    const client = c.client.address;
    const worker = x.worker.address;
    let checks = 0;

    // charge: cumulative 1000, then 1600.
    for (const total of [1000, 1600]) {
        const v = cppVoucher(seed, 'charge', 7, total, client);
        compare(`charge ${total}`, v, OP.CHARGE, OP.PAYLOAD_CHARGE, client, total, 7, p.key);
        const r = await w.send(stranger, client, toNano('0.1'), v.body);
        expectTx(r, { to: client, op: OP.CHARGE, success: true });
        assert.equal((await H.clientData(w, c)).tokensCharged, BigInt(total));
        checks++;
    }
    // A C++ voucher for another contract is refused by the client (106).
    {
        const v = cppVoucher(seed, 'charge', 0, 5000, worker);
        const r = await w.send(stranger, client, toNano('0.1'), v.body);
        expectTx(r, { to: client, exitCode: ERR.WRONG_TARGET });
        checks++;
    }
    // worker payout (deploys the worker), then last payout.
    {
        const v = cppVoucher(seed, 'worker_payout', 3, 900, worker);
        compare('payout', v, OP.PAYOUT, OP.PAYLOAD_WORKER_PAYOUT, worker, 900, 3, p.key);
        const r = await w.send(stranger, worker, toNano('0.1'), v.body, x.worker.init);
        expectTx(r, { to: worker, op: OP.PAYOUT, success: true });
        assert.equal((await H.workerData(w, x)).tokensPaid, 900n);
        const last = cppVoucher(seed, 'worker_last_payout', 4, 1200, worker);
        compare('last payout', last, OP.LAST_PAYOUT, OP.PAYLOAD_WORKER_LAST_PAYOUT, worker, 1200, 4, p.key);
        const r2 = await w.send(stranger, worker, toNano('0.1'), last.body);
        expectTx(r2, { to: worker, op: OP.LAST_PAYOUT, success: true });
        assert.deepEqual(await H.workerData(w, x), { state: STATE.CLOSED, tokensPaid: 1200n });
        checks += 2;
    }
    // client final refund at the same total (≥ is accepted).
    {
        const v = cppVoucher(seed, 'final_refund', 5, 1600, client);
        compare('final refund', v, OP.FINAL_REFUND, OP.PAYLOAD_FINAL_REFUND, client, 1600, 5, p.key);
        const r = await w.send(stranger, client, toNano('0.2'), v.body);
        expectTx(r, { to: client, op: OP.FINAL_REFUND, success: true });
        assert.equal((await H.clientData(w, c)).state, STATE.CLOSED);
        checks++;
    }
    // proxy close voucher: layout only (the close delay is the contract's business).
    {
        const v = cppVoucher(seed, 'proxy_close', 0, 0, p.proxy.address);
        compare('proxy close', v, OP.COMPLETE_CLOSE, OP.PAYLOAD_PROXY_CLOSE, p.proxy.address, 0, 0, p.key);
        checks++;
    }
    // anchor.
    {
        const hash = crypto.createHash('sha256').update('session').digest();
        const [boc, payloadHash, signature] = cpp('anchor', seed.toString('hex'), 9, 42, hash.toString('hex'), p.proxy.address.toRawString()).split(' ');
        const payload = L.anchorPayload({ queryId: 9n, seqno: 42n, sessionHash: hash, target: p.proxy.address });
        assert.equal(payloadHash, payload.hash().toString('hex'), 'anchor payload hash');
        assert.ok(signVerify(payload.hash(), Buffer.from(signature, 'hex'), p.key.publicKey), 'anchor signature');
        const js = L.body.signed(OP.ANCHOR, L.signPayload(payload, p.key.secretKey), 9n);
        assert.equal(boc, js.toBoc().toString('hex'), 'anchor BoC bytes');
        const r = await w.send(stranger, p.proxy.address, toNano('0.05'), Cell.fromBoc(Buffer.from(boc, 'hex'))[0]);
        expectTx(r, { to: p.proxy.address, op: OP.ANCHOR, success: true });
        const a = await w.get(p.proxy.address, 'get_anchor');
        assert.equal(a.readBigNumber(), 42n);
        assert.equal(a.readBigNumber(), BigInt('0x' + hash.toString('hex')));
        checks++;
    }
    // JS-made vouchers through the C++ verifier.
    {
        const js = H.charge(p, client, 2500, { queryId: 11n }).toBoc();
        let r = cppVerify(p.key.publicKey, client, 'charge', 1600, js);
        assert.ok(r.ok, `C++ refused a JS voucher: ${r.out}`);
        assert.equal(r.out, 'ok charge 2500');
        const cases = [
            ['forged', H.charge(p, client, 2500, { key: H.keyPair('mallory') }).toBoc(), 'charge', 0, 'pay.voucher_bad_signature'],
            ['other target', H.charge(p, worker, 2500).toBoc(), 'charge', 0, 'pay.voucher_wrong_target'],
            ['wrong kind', H.payout(p, client, 2500).toBoc(), 'charge', 0, 'pay.voucher_wrong_kind'],
            ['mixed kind', H.signed(p, OP.PAYOUT, OP.PAYLOAD_CHARGE, client, 2500).toBoc(), 'charge', 0, 'pay.voucher_wrong_kind'],
            ['old', js, 'charge', 2500, 'pay.voucher_not_newer'],
            ['truncated', js.subarray(0, js.length - 3), 'charge', 0, 'pay.voucher_malformed'],
        ];
        for (const [name, boc, kinds, last, reason] of cases) {
            r = cppVerify(p.key.publicKey, client, kinds, last, boc);
            assert.ok(!r.ok, `${name}: accepted`);
            assert.ok(r.out.startsWith(reason + ':'), `${name}: ${r.out}`);
        }
        checks += 1 + cases.length;
    }
    console.log(`contracts_compat: ${checks} checks passed (C++ vouchers and anchors match layouts.js and the contracts apply them)`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
