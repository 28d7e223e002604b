// HTTP front of the local chain: the subset of the TON HTTP API v2 (toncenter
// JSON shape {"ok":true,"result":...}) that the Cocoon daemons use, plus a few
// /localnet/* endpoints (info, faucet, clock). Requests are served one at a
// time, so the chain sees a strict order of operations.
'use strict';

const http = require('http');
const { Address, Cell, beginCell } = require('@ton/core');

class ApiError extends Error {
    constructor(code, message) { super(message); this.code = code; }
}

const b64 = (buf) => Buffer.from(buf).toString('base64');

function parseAddress(s) {
    if (typeof s !== 'string' || !s) throw new ApiError(400, 'address is required');
    try { return Address.parse(s); } catch { throw new ApiError(400, `invalid address: ${s}`); }
}

// ---------------------------------------------------------------------------
// Stack conversion (toncenter v2 runGetMethod format).
// ---------------------------------------------------------------------------
function parseStackEntry(e) {
    if (!Array.isArray(e) || e.length !== 2) throw new ApiError(400, 'stack entries are [type, value] pairs');
    const [type, value] = e;
    try {
        switch (type) {
        case 'num': case 'number': case 'int': {
            const s = String(value).trim();
            const neg = s.startsWith('-');
            const v = BigInt(neg ? s.slice(1) : s);
            return { type: 'int', value: neg ? -v : v };
        }
        case 'cell': case 'tvm.Cell':
            return { type: 'cell', cell: Cell.fromBase64(typeof value === 'object' ? value.bytes : value) };
        case 'slice': case 'tvm.Slice':
            return { type: 'slice', cell: Cell.fromBase64(typeof value === 'object' ? value.bytes : value) };
        default:
            throw new ApiError(400, `unsupported stack entry type: ${type}`);
        }
    } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError(400, `bad stack entry ${JSON.stringify(e)}: ${err.message}`);
    }
}

const hexNum = (v) => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

function stackEntryOut(item) {
    switch (item.type) {
    case 'int': return ['num', hexNum(item.value)];
    case 'null': return ['null', null];
    case 'nan': return ['num', 'NaN'];
    case 'cell': return ['cell', { bytes: b64(item.cell.toBoc()) }];
    case 'slice': return ['slice', { bytes: b64(item.cell.toBoc()) }];
    case 'builder': return ['cell', { bytes: b64(item.cell.toBoc()) }];
    case 'tuple': return ['tuple', { '@type': 'tvm.tuple', elements: item.items.map(tupleElement) }];
    default: return ['unknown', null];
    }
}

// Elements inside tuples use the typed tvm.* form, as toncenter does.
function tupleElement(item) {
    switch (item.type) {
    case 'int': return { '@type': 'tvm.stackEntryNumber', number: { '@type': 'tvm.numberDecimal', number: item.value.toString() } };
    case 'cell': case 'builder': return { '@type': 'tvm.stackEntryCell', cell: { '@type': 'tvm.cell', bytes: b64(item.cell.toBoc()) } };
    case 'slice': return { '@type': 'tvm.stackEntrySlice', slice: { '@type': 'tvm.slice', bytes: b64(item.cell.toBoc()) } };
    case 'tuple': return { '@type': 'tvm.stackEntryTuple', tuple: { '@type': 'tvm.tuple', elements: item.items.map(tupleElement) } };
    default: return { '@type': 'tvm.stackEntryUnsupported' };
    }
}

// ---------------------------------------------------------------------------
// Transactions and messages (toncenter v2 raw.* shapes).
// ---------------------------------------------------------------------------
function messageOut(msg) {
    if (!msg) return null;
    const info = msg.info;
    const body = msg.body ?? beginCell().endCell();
    const init = msg.init ? beginCell().store((b) => {
        b.storeBit(false).storeBit(false).storeBit(false);
        b.storeMaybeRef(msg.init.code ?? null).storeMaybeRef(msg.init.data ?? null).storeBit(false);
    }).endCell() : null;
    return {
        '@type': 'raw.message',
        source: info.type === 'internal' ? info.src.toString() : (info.src ? info.src.toString() : ''),
        destination: info.dest ? info.dest.toString() : '',
        value: info.type === 'internal' ? info.value.coins.toString() : '0',
        fwd_fee: info.type === 'internal' ? info.forwardFee.toString() : '0',
        ihr_fee: info.type === 'internal' ? info.ihrFee.toString() : '0',
        created_lt: info.createdLt !== undefined ? info.createdLt.toString() : '0',
        bounce: info.type === 'internal' ? info.bounce : false,
        bounced: info.type === 'internal' ? info.bounced : false,
        body_hash: b64(body.hash()),
        msg_data: { '@type': 'msg.dataRaw', body: b64(body.toBoc()), init_state: init ? b64(init.toBoc()) : '' },
        message: '',
    };
}

function transactionOut(address, tx) {
    const d = tx.description;
    const storage = d.type === 'generic' && d.storagePhase ? d.storagePhase.storageFeesCollected : 0n;
    const fee = tx.totalFees.coins;
    const compute = d.type === 'generic' ? d.computePhase : null;
    return {
        '@type': 'raw.transaction',
        address: { '@type': 'accountAddress', account_address: address.toString() },
        utime: tx.now,
        data: b64(tx.raw.toBoc()),
        transaction_id: { '@type': 'internal.transactionId', lt: tx.lt.toString(), hash: b64(tx.hash()) },
        fee: fee.toString(),
        storage_fee: storage.toString(),
        other_fee: (fee - storage).toString(),
        // not in toncenter's shape; handy for local debugging
        compute_exit_code: compute && compute.type === 'vm' ? compute.exitCode : null,
        aborted: d.type === 'generic' ? d.aborted : false,
        in_msg: messageOut(tx.inMessage),
        out_msgs: [...tx.outMessages.values()].map(messageOut),
    };
}

// ---------------------------------------------------------------------------
// Handlers.
// ---------------------------------------------------------------------------
function accountStateName(c) {
    const s = c.accountState;
    if (!s || s.type === 'uninit') return 'uninitialized';
    return s.type === 'active' ? 'active' : 'frozen';
}

function makeHandlers(chain) {
    const lastTxId = (c) => ({
        '@type': 'internal.transactionId',
        lt: c.lastTransactionLt.toString(),
        hash: b64(Buffer.from(c.lastTransactionHash.toString(16).padStart(64, '0'), 'hex')),
    });
    return {
        'GET /api/v2/getAddressInformation': async (q) => {
            const c = await chain.account(parseAddress(q.address));
            const s = c.accountState;
            const active = s?.type === 'active';
            return {
                '@type': 'raw.fullAccountState',
                balance: c.balance.toString(),
                code: active && s.state.code ? b64(s.state.code.toBoc()) : '',
                data: active && s.state.data ? b64(s.state.data.toBoc()) : '',
                last_transaction_id: lastTxId(c),
                frozen_hash: s?.type === 'frozen' ? b64(s.stateHash) : '',
                sync_utime: chain.tick(),
                state: accountStateName(c),
            };
        },
        'GET /api/v2/getAddressBalance': async (q) => (await chain.account(parseAddress(q.address))).balance.toString(),
        'GET /api/v2/getAddressState': async (q) => accountStateName(await chain.account(parseAddress(q.address))),
        'POST /api/v2/runGetMethod': async (q) => {
            const address = parseAddress(q.address);
            if (q.method === undefined || q.method === '') throw new ApiError(400, 'method is required');
            const method = typeof q.method === 'number' || /^-?\d+$/.test(String(q.method)) ? Number(q.method) : String(q.method);
            const stack = (q.stack ?? []).map(parseStackEntry);
            const r = await chain.runGetMethod(address, method, stack);
            return {
                '@type': 'smc.runResult',
                gas_used: Number(r.gasUsed),
                stack: r.exitCode === 0 || r.exitCode === 1 ? r.stack.map(stackEntryOut) : [],
                exit_code: r.exitCode,
            };
        },
        'POST /api/v2/sendBoc': async (q) => {
            await send(q);
            return { '@type': 'ok' };
        },
        'POST /api/v2/sendBocReturnHash': async (q) => ({ '@type': 'raw.extMessageInfo', hash: b64(await send(q)) }),
        'GET /api/v2/getTransactions': async (q) => {
            const address = parseAddress(q.address);
            const limit = Math.min(Math.max(parseInt(q.limit ?? '10', 10) || 10, 1), 1000);
            const hash = q.hash ? Buffer.from(q.hash, /^[0-9a-fA-F]{64}$/.test(q.hash) ? 'hex' : 'base64') : undefined;
            return chain.transactions(address, { limit, lt: q.lt, hash, toLt: q.to_lt }).map((t) => transactionOut(address, t));
        },
        'GET /api/v2/getMasterchainInfo': async () => ({
            '@type': 'blocks.masterchainInfo',
            last: { '@type': 'ton.blockIdExt', workchain: -1, shard: '-9223372036854775808', seqno: chain.info.lastNow, root_hash: '', file_hash: '' },
        }),
        // --- local chain only ---------------------------------------------
        'GET /localnet/info': async () => ({
            root: chain.info.root, root_owner: chain.info.rootOwner, now: chain.tick(),
            faucet: chain.faucet.address.toString(),
        }),
        'POST /localnet/faucet': async (q) => {
            const to = parseAddress(q.address);
            let amount;
            try { amount = BigInt(q.amount ?? '10000000000'); } catch { throw new ApiError(400, 'amount must be nanoTON as an integer string'); }
            try { await chain.fund(to, amount); } catch (e) { throw new ApiError(400, e.message); }
            return { address: to.toString(), amount: amount.toString(), balance: (await chain.account(to)).balance.toString() };
        },
        'POST /localnet/advance': async (q) => {
            try { return { now: chain.advance(Number(q.seconds)) }; } catch (e) { throw new ApiError(400, e.message); }
        },
    };

    async function send(q) {
        if (typeof q.boc !== 'string' || !q.boc) throw new ApiError(400, 'boc is required');
        try {
            return await chain.sendBoc(Buffer.from(q.boc, 'base64'));
        } catch (e) {
            throw new ApiError(500, `message not accepted: ${e.message}`);
        }
    }
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', (c) => {
            size += c.length;
            if (size > 4 << 20) { reject(new ApiError(413, 'request too large')); req.destroy(); return; }
            chunks.push(c);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

// Starts the HTTP server; resolves with the listening server.
function serve(chain, { host = '127.0.0.1', port = 0, log = () => {} } = {}) {
    const handlers = makeHandlers(chain);
    let queue = Promise.resolve();

    const server = http.createServer((req, res) => {
        const reply = (status, obj) => {
            const body = JSON.stringify(obj);
            res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
            res.end(body);
        };
        const url = new URL(req.url, 'http://localhost');
        const key = `${req.method === 'HEAD' ? 'GET' : req.method} ${url.pathname.replace(/\/+$/, '')}`;
        // toncenter accepts the POST methods' parameters as JSON and the GET ones as query.
        let handler = handlers[key];
        if (!handler && req.method === 'POST') handler = handlers[`GET ${url.pathname}`];
        if (!handler && req.method === 'GET') handler = handlers[`POST ${url.pathname}`];
        if (!handler) {
            reply(404, { ok: false, error: `unknown method: ${req.method} ${url.pathname}`, code: 404 });
            return;
        }
        queue = queue.then(async () => {
            try {
                const q = Object.fromEntries(url.searchParams);
                if (req.method === 'POST') {
                    const text = await readBody(req);
                    if (text.trim()) {
                        let parsed;
                        try { parsed = JSON.parse(text); } catch { throw new ApiError(400, 'body is not valid JSON'); }
                        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError(400, 'body must be a JSON object');
                        Object.assign(q, parsed);
                    }
                }
                if (typeof q.stack === 'string') {
                    try { q.stack = JSON.parse(q.stack); } catch { throw new ApiError(400, 'stack must be JSON'); }
                }
                const result = await handler(q);
                log(`${key} ok`);
                reply(200, { ok: true, result });
            } catch (e) {
                const code = e instanceof ApiError ? e.code : 500;
                log(`${key} ${code} ${e.message}`);
                reply(code, { ok: false, error: e.message, code });
            }
        });
    });

    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
    });
}

module.exports = { serve, parseStackEntry, stackEntryOut, transactionOut };
