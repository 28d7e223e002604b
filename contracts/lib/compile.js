// Compiles the Tolk sources in src/ with @ton/tolk-js and caches the code in
// build/<name>.json, keyed by a hash of every source file and the compiler
// version, so tests and the localnet always run the code that is in src/.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Cell } = require('@ton/core');
const { runTolkCompiler, getTolkCompilerVersion } = require('@ton/tolk-js');

const SRC_DIR = path.join(__dirname, '..', 'src');
const BUILD_DIR = path.join(__dirname, '..', 'build');
const CONTRACTS = ['root', 'proxy', 'client', 'worker'];

function sourcesHash(version) {
    const h = crypto.createHash('sha256').update(version);
    for (const f of fs.readdirSync(SRC_DIR).sort()) {
        h.update(f).update(fs.readFileSync(path.join(SRC_DIR, f)));
    }
    return h.digest('hex');
}

async function compileOne(name, key) {
    const out = path.join(BUILD_DIR, `${name}.json`);
    if (fs.existsSync(out)) {
        const cached = JSON.parse(fs.readFileSync(out, 'utf8'));
        if (cached.sourcesHash === key) return Cell.fromBase64(cached.codeBoc64);
    }
    const res = await runTolkCompiler({
        entrypointFileName: `${name}.tolk`,
        fsReadCallback: (p) => fs.readFileSync(path.join(SRC_DIR, p), 'utf8'),
    });
    if (res.status !== 'ok') {
        throw new Error(`tolk: ${name}.tolk failed to compile:\n${res.message}`);
    }
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    fs.writeFileSync(out, JSON.stringify({
        name, sourcesHash: key, tolkVersion: res.tolkVersion,
        codeHashHex: res.codeHashHex, codeBoc64: res.codeBoc64,
    }, null, 2));
    return Cell.fromBase64(res.codeBoc64);
}

// Returns { root, proxy, client, worker }: code cells.
async function loadCodes() {
    const key = sourcesHash(await getTolkCompilerVersion());
    const codes = {};
    for (const name of CONTRACTS) codes[name] = await compileOne(name, key);
    return codes;
}

module.exports = { loadCodes, CONTRACTS };
