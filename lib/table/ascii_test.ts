import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BOOL_FALSE,
  BOOL_INVALID,
  BOOL_NULL,
  BOOL_TRUE,
  isNanAscii,
  parseBigIntAscii,
  parseBoolAscii,
  parseFloatAscii,
  parseInt64Ascii,
  parseIntAscii,
} from "./ascii.ts";

const enc = new TextEncoder();
const f = (s: string) => {
  const b = enc.encode(s);
  return parseFloatAscii(b, 0, b.length);
};
const big = (s: string, unsigned = false) => {
  const b = enc.encode(s);
  return parseBigIntAscii(b, 0, b.length, unsigned);
};

Deno.test("parseFloatAscii() agrees with Number() on random doubles", () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), (x) => {
      for (const s of [String(x), x.toExponential(), x.toPrecision(17), x.toFixed(3)]) {
        assert.ok(Object.is(f(s), Number(s)), `${s}: ${f(s)} vs ${Number(s)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

Deno.test("parseFloatAscii() agrees with Number() on random decimal text", () => {
  const digits = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 25 });
  fc.assert(
    fc.property(
      fc.constantFrom("", "-", "+"),
      digits,
      fc.option(digits),
      fc.option(fc.integer({ min: -340, max: 340 })),
      (sign, a, b, e) => {
        const s = `${sign}${a}${b !== null ? "." + b : ""}${e !== null ? "e" + e : ""}`;
        assert.ok(Object.is(f(s), Number(s)), `${s}: ${f(s)} vs ${Number(s)}`);
      },
    ),
    { numRuns: 5000 },
  );
});

Deno.test("parseFloatAscii() reads specials, whitespace and rejects junk", () => {
  assert.equal(f("  1.5\n"), 1.5);
  assert.equal(f("+Inf"), Infinity);
  assert.equal(f("-inf"), -Infinity);
  assert.equal(f("Infinity"), Infinity);
  assert.ok(Object.is(f("-0"), -0));
  assert.equal(f(".5"), 0.5);
  assert.equal(f("5."), 5);
  assert.equal(f("1E3"), 1000);
  assert.equal(f("4.9e-324"), 5e-324);
  assert.equal(f("1e400"), Infinity);
  for (
    const bad of [
      "",
      " ",
      "-",
      ".",
      "e5",
      "1e",
      "1e+",
      "1.2.3",
      "0x10",
      "1,5",
      "abc",
      "Infx",
      "1_0",
    ]
  ) {
    assert.ok(Number.isNaN(f(bad)), bad);
    const b = enc.encode(bad);
    assert.equal(isNanAscii(b, 0, b.length), false, bad);
  }
  for (const nan of ["NaN", "nan", " -NaN "]) {
    const b = enc.encode(nan);
    assert.ok(Number.isNaN(f(nan)));
    assert.ok(isNanAscii(b, 0, b.length));
  }
});

Deno.test("parseInt64Ascii() is exact over the whole int64 range", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
      assert.equal(big(String(v)), v);
      assert.equal(
        big("  +" + String(v < 0n ? -v : v)),
        v < 0n ? -v === 2n ** 63n ? undefined : -v : v,
      );
    }),
    { numRuns: 5000 },
  );
  assert.equal(big("9223372036854775807"), 9223372036854775807n);
  assert.equal(big("-9223372036854775808"), -9223372036854775808n);
  assert.equal(big("00000000000000000000000000042"), 42n);
  assert.equal(big("-0"), 0n);
  assert.equal(big("0x7fffffffffffffff"), 9223372036854775807n);
  assert.equal(big("0xFFFFFFFFFFFFFFFF"), -1n);
  assert.equal(big("18446744073709551615", true), 18446744073709551615n);
});

Deno.test("parseInt64Ascii() rejects overflow and junk", () => {
  for (
    const bad of [
      "9223372036854775808",
      "-9223372036854775809",
      "99999999999999999999",
      "",
      "-",
      "1.0",
      "1e3",
      "12a",
      "0x",
      "0x10000000000000000",
    ]
  ) {
    assert.equal(big(bad), undefined, bad);
  }
  assert.equal(big("18446744073709551616", true), undefined);
  assert.equal(big("-1", true), undefined);
  const w = new Int32Array(2);
  const b = enc.encode("4294967297");
  assert.ok(parseInt64Ascii(b, 0, b.length, w));
  assert.deepEqual([...w], [1, 1]);
});

Deno.test("parseIntAscii() reads safe integers and refuses the rest", () => {
  const i = (s: string) => {
    const b = enc.encode(s);
    return parseIntAscii(b, 0, b.length);
  };
  assert.equal(i("32767"), 32767);
  assert.equal(i("-2147483648"), -2147483648);
  assert.equal(i("0xff"), 255);
  assert.equal(i(" 7 "), 7);
  assert.equal(i("9007199254740991"), 9007199254740991);
  for (const bad of ["", "1.5", "9007199254740993", "x", "--1", "1 2"]) {
    assert.ok(Number.isNaN(i(bad)), bad);
  }
});

Deno.test("parseBoolAscii() reads VOTable and CSV spellings", () => {
  const p = (s: string) => {
    const b = enc.encode(s);
    return parseBoolAscii(b, 0, b.length);
  };
  for (const t of ["T", "t", "true", "TRUE", "1", " True "]) assert.equal(p(t), BOOL_TRUE, t);
  for (const t of ["F", "f", "false", "False", "0"]) assert.equal(p(t), BOOL_FALSE, t);
  for (const t of ["", "?", "  "]) assert.equal(p(t), BOOL_NULL, t);
  for (const t of ["yes", "2", "tru", "falsey"]) assert.equal(p(t), BOOL_INVALID, t);
});

Deno.test("parseFloatAscii() is exact for 16-digit mantissas around 2^53", () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1000000000000000n, max: 9999999999999999n }),
      fc.integer({ min: -30, max: 30 }),
      fc.integer({ min: 0, max: 16 }),
      (m, e, point) => {
        const digits = String(m);
        const s = `${digits.slice(0, point)}.${digits.slice(point)}e${e}`;
        assert.ok(Object.is(f(s), Number(s)), `${s}: ${f(s)} vs ${Number(s)}`);
      },
    ),
    { numRuns: 5000 },
  );
  for (
    const s of [
      "9007199254740993",
      "9007199254740992",
      "9007199254740991e-22",
      "9007199254740993e22",
    ]
  ) {
    assert.equal(f(s), Number(s), s);
  }
});

Deno.test("parseInt64Ascii() is exact at every length from 1 to 20 digits, unsigned too", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(3), (v, zeros) => {
      const s = "0".repeat(zeros) + String(v);
      assert.equal(big(s, true), v, s);
      assert.equal(big(s), v < 2n ** 63n ? v : undefined, s);
      assert.equal(big("-" + s), v <= 2n ** 63n ? (v === 0n ? 0n : -v) : undefined, s);
    }),
    { numRuns: 5000 },
  );
  for (let n = 1; n <= 20; n++) {
    const nines = "9".repeat(n);
    assert.equal(big(nines, true), n <= 19 ? BigInt(nines) : undefined, nines);
    const ones = "1".repeat(n);
    assert.equal(big(ones, true), BigInt(ones), ones);
  }
});

/** Decimal strings of 16-19 significant digits just below, at and above the midpoints around `x` (1 <= x < 1e6). */
function nearMidpoints(x: number): string[] {
  const bits = new BigUint64Array(new Float64Array([x]).buffer)[0];
  const E = Number((bits >> 52n) & 0x7ffn) - 1075;
  const X = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const out: string[] = [];
  // Midpoints odd * 2^(E - 1) above and below (2^(E - 2) below a power of two).
  const mids: [bigint, number][] = [[2n * X + 1n, 1 - E], [2n * X - 1n, 1 - E]];
  if (X === 1n << 52n) mids.push([4n * X - 1n, 2 - E]);
  for (const [odd, sh] of mids) {
    // midpoint = odd * 2^-sh = odd * 5^sh / 10^sh
    const ds = (odd * 5n ** BigInt(sh)).toString();
    const intLen = ds.length - sh;
    for (let n = 16; n <= 19; n++) {
      const head = BigInt(ds.slice(0, n));
      for (const h of [head - 1n, head, head + 1n]) {
        const hs = h.toString();
        if (hs.length !== n) continue;
        out.push(`${hs.slice(0, intLen)}.${hs.slice(intLen)}`);
      }
    }
  }
  return out;
}

Deno.test("parseFloatAscii() is exact for 16-19 digit mantissas, near rounding ties too", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1, max: 999999, noNaN: true }),
      fc.integer({ min: 0, max: 19 }),
      (x, j) => {
        for (const s of [...nearMidpoints(x), ...nearMidpoints(2 ** j)]) {
          assert.ok(Object.is(f(s), Number(s)), `${s}: ${f(s)} vs ${Number(s)}`);
          assert.ok(Object.is(f("-" + s), -Number(s)), `-${s}`);
        }
      },
    ),
    { numRuns: 3000 },
  );
  const digits = fc.string({
    unit: fc.constantFrom(..."0123456789"),
    minLength: 16,
    maxLength: 19,
  });
  fc.assert(
    fc.property(
      digits,
      fc.integer({ min: 0, max: 19 }),
      fc.integer({ min: -25, max: 3 }),
      (d, point, e) => {
        const s = `${d.slice(0, point)}.${d.slice(point)}e${e}`;
        assert.ok(Object.is(f(s), Number(s)), `${s}: ${f(s)} vs ${Number(s)}`);
      },
    ),
    { numRuns: 20000 },
  );
  // Exact ties round to even.
  for (
    const s of [
      "9007199254740993",
      "9007199254740995",
      "900719925474099.3e1",
      "1.0000000000000001110223024625156540",
    ]
  ) {
    assert.equal(f(s), Number(s), s);
  }
});
