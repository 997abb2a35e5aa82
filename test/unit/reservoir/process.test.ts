/** Peer push items (`assets`, `issues`, `transfer`, `proof`): §10.8 errors, relay decisions, logging. */
import { describe, expect, test } from "bun:test";
import { activeBackend } from "../../../src/crypto/index.ts";
import { applyAssets, applyIssues, applyProof, applyTransfer, reservoirHandlers } from "../../../src/reservoir/process.ts";
import { memoryPersistence, type ReservoirPersistence } from "../../../src/reservoir/persistence.ts";
import { Reservoir } from "../../../src/reservoir/reservoir.ts";
import { faultOf } from "../../support/fault.ts";
import { fromHex } from "../../support/hex.ts";
import { accountOf, asset, assetIdOf, FakeChain, issue, issuer, packed, transferTo, vectors } from "../../support/reservoir-fakes.ts";

const hash = activeBackend();

function setup() {
  const chain = new FakeChain();
  const r = new Reservoir({ chain: "testing", view: chain, hash });
  const a = asset("0123456789abcdef");
  const id = assetIdOf(a);
  const issueTxId = chain.confirmIssue(issue(id, 1n), 10);
  return { chain, r, a, id, issueTxId };
}

type S = ReturnType<typeof setup>;
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const transferP0 = (s: S) => packed(transferTo(s.issueTxId), accountOf(issuer));
const flipLastByte = (b: Uint8Array) => {
  const c = b.slice();
  c[c.length - 1]! ^= 1;
  return c;
};
/** The proof fixture's issue (asset 0123456789abcdef, nonce 99), its asset cached first. */
const proofIssueP0 = () => fromHex(vectors.try_proof.packed_issues_hex);
const proofP0 = (nonce: string) => cat(fromHex(vectors.try_proof.pay_id_hex), fromHex(nonce));

function withProofIssue(s: S): void {
  s.r.assets.cache(s.a);
  applyIssues(s.r, proofIssueP0());
}

const RULES = { assets: applyAssets, issues: applyIssues, transfer: applyTransfer, proof: applyProof } as const;

describe("push item rules", () => {
  // (the Normal-mode check belongs to the push dispatcher: test/unit/peer/listener-push.test.ts)
  const cases: { name: string; item: keyof typeof RULES; p0: (s: S) => Uint8Array; prepare?: (s: S) => void; error?: string }[] = [
    ...(["assets", "issues", "transfer", "proof"] as const).map((item) => ({ name: `${item}: empty`, item, p0: () => new Uint8Array(0), error: "missing parameters" })),
    { name: "assets: new", item: "assets", p0: (s) => packed(s.a) },
    { name: "assets: two, one new", item: "assets", p0: (s) => cat(packed(s.a), packed(asset("second"))), prepare: (s) => void s.r.assets.cache(s.a) },
    { name: "assets: none new", item: "assets", p0: (s) => packed(s.a), prepare: (s) => void s.r.assets.cache(s.a), error: "no new transactions" },
    { name: "assets: already confirmed", item: "assets", p0: (s) => packed(s.a), prepare: (s) => void s.chain.confirmAsset(s.a, 3), error: "no new transactions" },
    { name: "assets: an issue among them", item: "assets", p0: (s) => cat(packed(s.a), packed(issue(s.id, 2n))), error: "transaction is not an asset" },
    { name: "assets: garbage", item: "assets", p0: () => Uint8Array.of(0x02, 0xff), error: "not transaction pack" },
    { name: "assets: different content under the same id", item: "assets", p0: () => packed(asset("0123456789abcdef", issuer, "Other Name")), prepare: (s) => void s.r.assets.cache(s.a), error: "assets already registered" },
    { name: "assets: bad signature", item: "assets", p0: (s) => flipLastByte(packed(s.a)), error: "invalid signature" },
    { name: "issues: new", item: "issues", p0: (s) => packed(issue(s.id, 2n)), prepare: (s) => void s.r.assets.cache(s.a) },
    { name: "issues: an asset among them", item: "issues", p0: (s) => cat(packed(issue(s.id, 2n)), packed(s.a)), error: "transaction is not an issue" },
    { name: "issues: asset unknown", item: "issues", p0: (s) => packed(issue(s.id, 2n)), error: "asset not found" },
    {
      name: "issues: the same batch again",
      item: "issues",
      p0: (s) => packed(issue(s.id, 2n)),
      prepare: (s) => {
        s.r.assets.cache(s.a);
        s.r.storeIssues([issue(s.id, 2n)]);
      },
      error: "transaction already exists",
    },
    { name: "issues: trailing garbage", item: "issues", p0: (s) => cat(packed(issue(s.id, 2n)), Uint8Array.of(0x03)), prepare: (s) => void s.r.assets.cache(s.a), error: "not transaction pack" },
    { name: "transfer: new", item: "transfer", p0: transferP0 },
    { name: "transfer: trailing bytes are ignored", item: "transfer", p0: (s) => cat(transferP0(s), Uint8Array.of(9, 9, 9)) },
    { name: "transfer: an issue", item: "transfer", p0: (s) => packed(issue(s.id, 2n)), error: "transaction is not a transfer" },
    { name: "transfer: the same again", item: "transfer", p0: transferP0, prepare: (s) => void applyTransfer(s.r, transferP0(s)), error: "transaction already exists" },
    { name: "proof: accepted", item: "proof", p0: () => proofP0(vectors.try_proof.client_nonce_ok_hex), prepare: withProofIssue },
    { name: "proof: wrong nonce", item: "proof", p0: () => proofP0(vectors.try_proof.client_nonce_bad_hex), prepare: withProofIssue, error: "payId already used" },
    { name: "proof: unknown pay id", item: "proof", p0: () => proofP0(vectors.try_proof.client_nonce_ok_hex), error: "payId already used" },
    {
      name: "proof: already accepted",
      item: "proof",
      p0: () => proofP0(vectors.try_proof.client_nonce_ok_hex),
      prepare: (s) => {
        withProofIssue(s);
        applyProof(s.r, proofP0(vectors.try_proof.client_nonce_ok_hex));
      },
      error: "payId already used",
    },
    { name: "proof: nonce of 7 bytes", item: "proof", p0: () => new Uint8Array(55), error: "invalid nonce" },
    { name: "proof: nonce of 65 bytes", item: "proof", p0: () => new Uint8Array(113), error: "invalid nonce" },
    { name: "proof: shorter than a pay id", item: "proof", p0: () => new Uint8Array(20), error: "invalid nonce" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = setup();
      c.prepare?.(s);
      expect(faultOf(() => RULES[c.item](s.r, c.p0(s)))).toBe(c.error);
    });
  }
});

describe("persistence of a pushed assets item", () => {
  /** Records what reaches the persistence: transactions, and asset writes inside or outside one. */
  function recording() {
    const log: string[] = [];
    let depth = 0;
    const persistence: ReservoirPersistence = {
      ...memoryPersistence,
      write(fn) {
        if (depth === 0) log.push("begin");
        depth++;
        try {
          fn();
          if (depth === 1) log.push("commit");
        } catch (e) {
          if (depth === 1) log.push("abort");
          throw e;
        } finally {
          depth--;
        }
      },
      putAsset: () => void log.push(depth > 0 ? "put" : "put outside a transaction"),
    };
    return { log, persistence };
  }

  const cases = [
    { name: "every asset new", p0: () => cat(packed(asset("first")), packed(asset("second"))), error: undefined, cached: 2 },
    { name: "a refused record after two assets", p0: () => cat(packed(asset("first")), packed(asset("second")), Uint8Array.of(0x02, 0xff)), error: "not transaction pack", cached: 2 },
  ];
  test.each(cases)("$name: one commit holding every asset cached", ({ p0, error, cached }) => {
    const { log, persistence } = recording();
    const r = new Reservoir({ chain: "testing", view: new FakeChain(), hash, persistence });
    log.length = 0; // the start-up restore
    expect(faultOf(() => applyAssets(r, p0()))).toBe(error);
    expect(r.assets.size).toBe(cached);
    expect(log).toEqual(["begin", ...Array(cached).fill("put"), "commit"]);
  });
});

describe("handler table", () => {
  test("a new item returns true (relay); a refusal throws its Fault", () => {
    const s = setup();
    const h = reservoirHandlers(s.r);
    expect(Object.keys(h)).toEqual(["assets", "issues", "transfer", "proof"]);
    expect(h.assets(packed(s.a))).toBe(true);
    expect(faultOf(() => h.assets(packed(s.a)))).toBe("no new transactions");
    expect(h.issues(proofIssueP0())).toBe(true);
    expect(faultOf(() => h.issues(proofIssueP0()))).toBe("transaction already exists");
    expect(h.proof(proofP0(vectors.try_proof.client_nonce_ok_hex))).toBe(true);
    expect(faultOf(() => h.proof(proofP0(vectors.try_proof.client_nonce_ok_hex)))).toBe("payId already used");
    expect(h.transfer(transferP0(s))).toBe(true);
    expect(faultOf(() => h.transfer(transferP0(s)))).toBe("transaction already exists");
    expect(faultOf(() => h.transfer(Uint8Array.of(0xff, 0xff, 0xff)))).toBe("not transaction pack");
  });
});
