// Binary layouts of the Cocoon contracts: opcodes, error codes, storage
// (initial data), message bodies, signed vouchers and get-method decoders.
// Mirrors src/common.tolk and the message structs of each contract; the same
// layouts are documented in README.md for the C++ side.
'use strict';

const { beginCell, Cell, Dictionary, contractAddress } = require('@ton/core');
const { sign } = require('@ton/crypto');

const OP = {
    EXCESSES: 0xd53276db,
    // root
    ADD_PROXY_IMAGE: 0xc0c00101,
    REMOVE_PROXY_IMAGE: 0xc0c00102,
    ADD_WORKER_IMAGE: 0xc0c00103,
    REMOVE_WORKER_IMAGE: 0xc0c00104,
    ADD_MODEL: 0xc0c00105,
    REMOVE_MODEL: 0xc0c00106,
    REGISTER_PROXY: 0xc0c00107,
    UPDATE_PROXY: 0xc0c00108,
    UNREGISTER_PROXY: 0xc0c00109,
    SET_PARAMS: 0xc0c0010a,
    SET_CODES: 0xc0c0010b,
    CHANGE_OWNER: 0xc0c0010c,
    // proxy
    ADD_STAKE: 0xc0c00201,
    WITHDRAW_COMMISSION: 0xc0c00202,
    START_CLOSE: 0xc0c00203,
    COMPLETE_CLOSE: 0xc0c00204,
    ANCHOR: 0xc0c00205,
    // client
    TOP_UP: 0xc0c00301,
    INCREASE_STAKE: 0xc0c00302,
    SET_SECRET_HASH: 0xc0c00303,
    WITHDRAW: 0xc0c00304,
    REQUEST_REFUND: 0xc0c00305,
    FORCE_REFUND: 0xc0c00306,
    CHARGE: 0xc0c00307,
    FINAL_REFUND: 0xc0c00308,
    // worker
    PAYOUT: 0xc0c00401,
    LAST_PAYOUT: 0xc0c00402,
    // signed payloads
    PAYLOAD_CHARGE: 0xc0c00501,
    PAYLOAD_FINAL_REFUND: 0xc0c00502,
    PAYLOAD_WORKER_PAYOUT: 0xc0c00503,
    PAYLOAD_WORKER_LAST_PAYOUT: 0xc0c00504,
    PAYLOAD_PROXY_CLOSE: 0xc0c00505,
    PAYLOAD_ANCHOR: 0xc0c00506,
    // internal between contracts
    CLIENT_DEPOSIT: 0xc0c00601,
    CLIENT_CHARGE: 0xc0c00602,
    CLIENT_REFUND: 0xc0c00603,
    WORKER_PAYOUT: 0xc0c00604,
    DEPOSIT_ACK: 0xc0c00701,
};

const ERR = {
    ACCESS_DENIED: 100,
    ALREADY_EXISTS: 101,
    NOT_FOUND: 102,
    BAD_PARAMS: 103,
    LOW_VALUE: 104,
    BAD_SIGNATURE: 105,
    WRONG_TARGET: 106,
    OLD_VOUCHER: 107,
    BAD_STATE: 108,
    TOO_EARLY: 109,
    STAKE_TOO_LOW: 110,
    NOT_CHILD: 111,
    INSUFFICIENT_FUNDS: 112,
    AMOUNT_TOO_LARGE: 113,
    NOT_PROXY: 114,
    WRONG_PAYLOAD_OP: 115,
    CODE_NOT_SET: 116,
    UNKNOWN_OP: 0xffff,
};

const STATE = { ACTIVE: 0, CLOSING: 1, CLOSED: 2 };

// ---------------------------------------------------------------------------
// Params
// ---------------------------------------------------------------------------
const PARAM_FIELDS = [
    'pricePerToken', 'workerFeePerToken', 'promptMult', 'cachedMult', 'completionMult',
    'reasoningMult', 'proxyCloseDelay', 'clientCloseDelay', 'minProxyStake', 'minClientStake',
];

function paramsCell(p) {
    return beginCell()
        .storeCoins(p.pricePerToken)
        .storeCoins(p.workerFeePerToken)
        .storeUint(p.promptMult, 32)
        .storeUint(p.cachedMult, 32)
        .storeUint(p.completionMult, 32)
        .storeUint(p.reasoningMult, 32)
        .storeUint(p.proxyCloseDelay, 32)
        .storeUint(p.clientCloseDelay, 32)
        .storeCoins(p.minProxyStake)
        .storeCoins(p.minClientStake)
        .endCell();
}

// Reads the 10 stack entries of a Params get-method result.
function readParams(reader) {
    const p = {};
    for (const f of PARAM_FIELDS) p[f] = reader.readBigNumber();
    for (const f of ['promptMult', 'cachedMult', 'completionMult', 'reasoningMult', 'proxyCloseDelay', 'clientCloseDelay']) {
        p[f] = Number(p[f]);
    }
    return p;
}

// ---------------------------------------------------------------------------
// Initial data (storage) of each contract.
// ---------------------------------------------------------------------------
function rootData({ owner, params, codes }) {
    const registry = beginCell()
        .storeDict(null).storeDict(null).storeDict(null).storeDict(null)
        .endCell();
    const empty = beginCell().endCell();
    const codesCell = beginCell()
        .storeRef(codes ? codes.proxy : empty)
        .storeRef(codes ? codes.client : empty)
        .storeRef(codes ? codes.worker : empty)
        .endCell();
    return beginCell()
        .storeAddress(owner)
        .storeUint(0, 32)      // version
        .storeUint(0, 32)      // nextProxySeqno
        .storeRef(registry)
        .storeRef(paramsCell(params))
        .storeRef(codesCell)
        .endCell();
}

function proxyData({ owner, proxyPubKey, root, params, codes }) {
    const config = beginCell()
        .storeAddress(owner)
        .storeBuffer(proxyPubKey, 32)
        .storeAddress(root)
        .storeRef(paramsCell(params))
        .storeRef(beginCell().storeRef(codes.client).storeRef(codes.worker).endCell())
        .endCell();
    return beginCell()
        .storeRef(config)
        .storeUint(STATE.ACTIVE, 8)
        .storeCoins(0).storeCoins(0).storeCoins(0).storeCoins(0).storeCoins(0)
        .storeUint(0, 32)
        .storeUint(0, 64)
        .storeUint(0, 256)
        .endCell();
}

function childConfigCell({ proxy, proxyPubKey, owner, params }) {
    return beginCell()
        .storeAddress(proxy)
        .storeBuffer(proxyPubKey, 32)
        .storeAddress(owner)
        .storeRef(paramsCell(params))
        .endCell();
}

function clientData(cfg) {
    return beginCell()
        .storeRef(childConfigCell(cfg))
        .storeUint(STATE.ACTIVE, 8)
        .storeCoins(0).storeCoins(0).storeCoins(0)
        .storeUint(0, 64)
        .storeUint(0, 32)
        .storeUint(0, 256)
        .endCell();
}

function workerData(cfg) {
    return beginCell()
        .storeRef(childConfigCell(cfg))
        .storeUint(STATE.ACTIVE, 8)
        .storeUint(0, 64)
        .endCell();
}

// { address, init } for a contract with the given code and data.
function stateOf(code, data, workchain = 0) {
    const init = { code, data };
    return { address: contractAddress(workchain, init), init };
}

// ---------------------------------------------------------------------------
// Message bodies. Every body starts with op:uint32 query_id:uint64.
// ---------------------------------------------------------------------------
function header(op, queryId = 0n) {
    return beginCell().storeUint(op, 32).storeUint(queryId, 64);
}

function textCell(text) {
    return beginCell().storeStringTail(text).endCell();
}

const body = {
    excesses: (queryId) => header(OP.EXCESSES, queryId).endCell(),
    // root
    hashOp: (op, hash, queryId) => header(op, queryId).storeBuffer(hash, 32).endCell(),
    registerProxy: (endpoint, queryId) => header(OP.REGISTER_PROXY, queryId).storeRef(textCell(endpoint)).endCell(),
    updateProxy: (seqno, endpoint, queryId) =>
        header(OP.UPDATE_PROXY, queryId).storeUint(seqno, 32).storeRef(textCell(endpoint)).endCell(),
    unregisterProxy: (seqno, queryId) => header(OP.UNREGISTER_PROXY, queryId).storeUint(seqno, 32).endCell(),
    setParams: (params, queryId) => header(OP.SET_PARAMS, queryId).storeRef(paramsCell(params)).endCell(),
    setCodes: (codes, queryId) =>
        header(OP.SET_CODES, queryId).storeRef(codes.proxy).storeRef(codes.client).storeRef(codes.worker).endCell(),
    changeOwner: (newOwner, queryId) => header(OP.CHANGE_OWNER, queryId).storeAddress(newOwner).endCell(),
    // proxy
    addStake: (amount, queryId) => header(OP.ADD_STAKE, queryId).storeCoins(amount).endCell(),
    withdrawCommission: (amount, queryId) => header(OP.WITHDRAW_COMMISSION, queryId).storeCoins(amount).endCell(),
    startClose: (queryId) => header(OP.START_CLOSE, queryId).endCell(),
    // client
    topUp: (amount, queryId) => header(OP.TOP_UP, queryId).storeCoins(amount).endCell(),
    increaseStake: (amount, queryId) => header(OP.INCREASE_STAKE, queryId).storeCoins(amount).endCell(),
    setSecretHash: (hash, queryId) => header(OP.SET_SECRET_HASH, queryId).storeBuffer(hash, 32).endCell(),
    withdraw: (amount, queryId) => header(OP.WITHDRAW, queryId).storeCoins(amount).endCell(),
    requestRefund: (queryId) => header(OP.REQUEST_REFUND, queryId).endCell(),
    forceRefund: (queryId) => header(OP.FORCE_REFUND, queryId).endCell(),
    // signed: op query_id signature:bits512 payload:^Cell
    signed: (op, signedPayload, queryId) =>
        header(op, queryId).storeBuffer(signedPayload.signature, 64).storeRef(signedPayload.payload).endCell(),
};

// ---------------------------------------------------------------------------
// Vouchers: the proxy signs the representation hash of the payload cell.
// ---------------------------------------------------------------------------
function voucherPayload({ op, queryId = 0n, totalTokens, target }) {
    return beginCell()
        .storeUint(op, 32)
        .storeUint(queryId, 64)
        .storeUint(totalTokens, 64)
        .storeAddress(target)
        .endCell();
}

function anchorPayload({ queryId = 0n, seqno, sessionHash, target }) {
    return beginCell()
        .storeUint(OP.PAYLOAD_ANCHOR, 32)
        .storeUint(queryId, 64)
        .storeUint(seqno, 64)
        .storeBuffer(sessionHash, 32)
        .storeAddress(target)
        .endCell();
}

function signPayload(payload, secretKey) {
    return { payload, signature: sign(payload.hash(), secretKey) };
}

function signVoucher(fields, secretKey) {
    return signPayload(voucherPayload(fields), secretKey);
}

// ---------------------------------------------------------------------------
// Get-method decoders (reader: TupleReader).
// ---------------------------------------------------------------------------
const read = {
    rootData: (r) => ({ owner: r.readAddress(), version: r.readNumber(), nextProxySeqno: r.readNumber() }),
    proxyData: (r) => ({
        state: r.readNumber(), stake: r.readBigNumber(), stakeUsed: r.readBigNumber(),
        clientFunds: r.readBigNumber(), revenue: r.readBigNumber(), commission: r.readBigNumber(),
        closeStartedAt: r.readNumber(),
    }),
    clientData: (r) => ({
        state: r.readNumber(), balance: r.readBigNumber(), stake: r.readBigNumber(),
        pendingDeposit: r.readBigNumber(), tokensCharged: r.readBigNumber(),
        closeStartedAt: r.readNumber(), secretHash: r.readBigNumber(),
    }),
    workerData: (r) => ({ state: r.readNumber(), tokensPaid: r.readBigNumber() }),
    childConfig: (r) => ({ proxy: r.readAddress(), proxyPubKey: r.readBigNumber(), owner: r.readAddress() }),
    proxyConfig: (r) => ({ owner: r.readAddress(), proxyPubKey: r.readBigNumber(), root: r.readAddress() }),
    params: readParams,
};

module.exports = {
    OP, ERR, STATE, PARAM_FIELDS,
    paramsCell, readParams,
    rootData, proxyData, clientData, workerData, childConfigCell, stateOf,
    body, textCell, voucherPayload, anchorPayload, signPayload, signVoucher, read,
    Cell, Dictionary,
};
