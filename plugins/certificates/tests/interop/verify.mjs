// Verify one credential the way a wallet or verifier built on Digital Bazaar's libraries does:
// @digitalbazaar/vc with the eddsa-rdfc-2022 Data Integrity cryptosuite (jsonld.js in safe mode)
// and the W3C Bitstring Status List check.
//
// Usage: node verify.mjs REQUEST.json   (or the request on standard input)
// REQUEST (or a list of them, answered by a list of verdicts):
//          {"credential": {...},
//           "contexts": {"<context URL>": "<path of the shipped file>", ...},
//           "documents": {"<URL>": <the JSON the platform serves there>, ...},
//           "now": "<ISO date and time, optional>"}
// Prints one JSON verdict on standard output:
//   {"verified": bool, "revoked": bool | null, "errors": [str], "loaded": [URL]}
// `verified` is the library's answer (signature, proof purpose, dates, and a status list that
// could be fetched and verified); `revoked` is the credential's bit in its status list (null
// when no status was checked). Nothing is fetched from the network: the document loader
// answers only from the request and from the contexts the libraries themselves ship.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
// jsonld-signatures frames controller documents with the security v2 context it depends on.
const {contexts: securityContexts} = require('@digitalbazaar/security-context');

function readRequest() {
  const path = process.argv[2];
  return JSON.parse(readFileSync(path && path !== '-' ? path : 0, 'utf8'));
}

function makeDocumentLoader({contexts = {}, documents = {}}, loaded) {
  return async function documentLoader(url) {
    loaded.push(url);
    let document;
    if(Object.hasOwn(contexts, url)) {
      document = JSON.parse(readFileSync(contexts[url], 'utf8'));
    } else if(securityContexts.has(url)) {
      document = securityContexts.get(url);
    } else if(Object.hasOwn(documents, url)) {
      document = documents[url];
    } else {
      throw new Error(`refused to load ${url}: not shipped and not served by the platform`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

function messages(error, found = []) {
  if(!error) {
    return found;
  }
  if(Array.isArray(error)) {
    error.forEach(item => messages(item, found));
    return found;
  }
  if(error.message) {
    found.push(error.message);
  }
  messages(error.errors, found);
  if(error.cause && error.cause !== error) {
    messages(error.cause, found);
  }
  return found;
}

async function verify(request) {
  const loaded = [];
  const documentLoader = makeDocumentLoader(request, loaded);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const verdict = {verified: false, revoked: null, errors: [], loaded};
  try {
    const result = await vc.verifyCredential({
      credential: request.credential,
      suite,
      documentLoader,
      checkStatus,
      ...(request.now ? {now: request.now} : {})
    });
    verdict.verified = result.verified === true;
    verdict.errors = messages(result.error);
    for(const proofResult of result.results || []) {
      messages(proofResult.error, verdict.errors);
    }
    const statusResult = result.statusResult;
    if(statusResult) {
      messages(statusResult.error, verdict.errors);
      const statuses = (statusResult.results || []).map(item => item.status);
      if(statuses.length > 0) {
        verdict.revoked = statuses.some(status => status === true);
      }
    }
  } catch(error) {
    verdict.verified = false;
    verdict.errors = messages(error);
  }
  verdict.errors = [...new Set(verdict.errors)];
  return verdict;
}

const request = readRequest();
const answer = Array.isArray(request) ?
  await Promise.all(request.map(verify)) : await verify(request);
process.stdout.write(JSON.stringify(answer) + '\n');
