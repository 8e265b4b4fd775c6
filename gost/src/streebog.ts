// GOST R 34.11-2012 (Streebog, RFC 6986), 256-bit output, written for speed (decision record 0022): S, P and L of a
// round folded into eight tables of 256 64-bit words (L(π(b) placed at row j), each as two Int32), so one output word
// of LPS is eight lookups and XORs; 64-byte blocks are read into fixed buffers, nothing is allocated per block.
// Words are little-endian: byte 0 of the input is the least significant byte of the standard's 512-bit vector.

/** π, the byte substitution (RFC 6986 §6.1). */
const PI_HEX = [
  'fceedd11cf6e3116fbc4fada23c5044de977f0db932e99ba1736f1bb14cd5fc1',
  'f918655ae25cef21811c3c428b018e4f058402aee36a8fa0060bed987fd4d31f',
  'eb342c51eac848abf22a68a2fd3aceccb5700e56080c7612bf7213479cb75d87',
  '15a19629107b9ac7f391786f9d9eb2b13275193dff358a7e6d54c680c3bd0d57',
  'dff524a93ea843c9d779d6f67c22b903e00fecde7a94b0bcdce828504e330a4a',
  'a79760731e0062441ab83882649f2641ad454692275e552f8ca3a57d69d5953b',
  '0758b34086ac1df730376be488d9e789e11b83494c3ff8fe8d53aa90cad88561',
  '207167a42d2b095bcb9b25d0bee56c5259a674d2e6f4b4c0d166afc2394b63b6',
].join('');

/** The rows of the matrix A of the linear transformation l (RFC 6986 §6.3), A_0 first. */
const A_HEX = [
  '8e20faa72ba0b470',
  '47107ddd9b505a38',
  'ad08b0e0c3282d1c',
  'd8045870ef14980e',
  '6c022c38f90a4c07',
  '3601161cf205268d',
  '1b8e0b0e798c13c8',
  '83478b07b2468764',
  'a011d380818e8f40',
  '5086e740ce47c920',
  '2843fd2067adea10',
  '14aff010bdd87508',
  '0ad97808d06cb404',
  '05e23c0468365a02',
  '8c711e02341b2d01',
  '46b60f011a83988e',
  '90dab52a387ae76f',
  '486dd4151c3dfdb9',
  '24b86a840e90f0d2',
  '125c354207487869',
  '092e94218d243cba',
  '8a174a9ec8121e5d',
  '4585254f64090fa0',
  'accc9ca9328a8950',
  '9d4df05d5f661451',
  'c0a878a0a1330aa6',
  '60543c50de970553',
  '302a1e286fc58ca7',
  '18150f14b9ec46dd',
  '0c84890ad27623e0',
  '0642ca05693b9f70',
  '0321658cba93c138',
  '86275df09ce8aaa8',
  '439da0784e745554',
  'afc0503c273aa42a',
  'd960281e9d1d5215',
  'e230140fc0802984',
  '71180a8960409a42',
  'b60c05ca30204d21',
  '5b068c651810a89e',
  '456c34887a3805b9',
  'ac361a443d1c8cd2',
  '561b0d22900e4669',
  '2b838811480723ba',
  '9bcf4486248d9f5d',
  'c3e9224312c8c1a0',
  'effa11af0964ee50',
  'f97d86d98a327728',
  'e4fa2054a80b329c',
  '727d102a548b194e',
  '39b008152acb8227',
  '9258048415eb419d',
  '492c024284fbaec0',
  'aa16012142f35760',
  '550b8e9e21f7a530',
  'a48b474f9ef5dc18',
  '70a6a56e2440598e',
  '3853dc371220a247',
  '1ca76e95091051ad',
  '0edd37c48a08a6d8',
  '07e095624504536c',
  '8d70c431ac02a736',
  'c83862965601dd1b',
  '641c314b2b8ee083',
];

/** The round constants C_1 … C_12 (RFC 6986 §6.5), printed as in the standard: most significant byte first. */
const C_HEX = [
  'b1085bda1ecadae9ebcb2f81c0657c1f2f6a76432e45d016714eb88d7585c4fc' +
    '4b7ce09192676901a2422a08a460d31505767436cc744d23dd806559f2a64507',
  '6fa3b58aa99d2f1a4fe39d460f70b5d7f3feea720a232b9861d55e0f16b50131' +
    '9ab5176b12d699585cb561c2db0aa7ca55dda21bd7cbcd56e679047021b19bb7',
  'f574dcac2bce2fc70a39fc286a3d843506f15e5f529c1f8bf2ea7514b1297b7b' +
    'd3e20fe490359eb1c1c93a376062db09c2b6f443867adb31991e96f50aba0ab2',
  'ef1fdfb3e81566d2f948e1a05d71e4dd488e857e335c3c7d9d721cad685e353f' +
    'a9d72c82ed03d675d8b71333935203be3453eaa193e837f1220cbebc84e3d12e',
  '4bea6bacad4747999a3f410c6ca923637f151c1f1686104a359e35d7800fffbd' +
    'bfcd1747253af5a3dfff00b723271a167a56a27ea9ea63f5601758fd7c6cfe57',
  'ae4faeae1d3ad3d96fa4c33b7a3039c02d66c4f95142a46c187f9ab49af08ec6' +
    'cffaa6b71c9ab7b40af21f66c2bec6b6bf71c57236904f35fa68407a46647d6e',
  'f4c70e16eeaac5ec51ac86febf240954399ec6c7e6bf87c9d3473e33197a93c9' +
    '0992abc52d822c3706476983284a05043517454ca23c4af38886564d3a14d493',
  '9b1f5b424d93c9a703e7aa020c6e41414eb7f8719c36de1e89b4443b4ddbc49a' +
    'f4892bcb929b069069d18d2bd1a5c42f36acc2355951a8d9a47f0dd4bf02e71e',
  '378f5a541631229b944c9ad8ec165fde3a7d3a1b258942243cd955b7e00d0984' +
    '800a440bdbb2ceb17b2b8a9aa6079c540e38dc92cb1f2a607261445183235adb',
  'abbedea680056f52382ae548b2e4f3f38941e71cff8a78db1fffe18a1b336103' +
    '9fe76702af69334b7a1e6c303b7652f43698fad1153bb6c374b4c7fb98459ced',
  '7bcd9ed0efc889fb3002c6cd635afe94d8fa6bbbebab07612001802114846679' +
    '8a1d71efea48b9caefbacd1d7d476e98dea2594ac06fd85d6bcaa4cd81f32d1b',
  '378ee767f11631bad21380b00449b17acda43c32bcdf1d77f82012d430219f9b' +
    '5d80ef9d1891cc86e71da4aa88e12852faf417d5d9b21b9948bc924af11bd720',
];

/** LPS_LO[j·256 + b] and LPS_HI[j·256 + b]: low and high halves of l(π(b) · 2^(8j)). */
const LPS_LO = new Int32Array(8 * 256);
const LPS_HI = new Int32Array(8 * 256);
/** C_i as sixteen little-endian Int32 words each. */
const ROUND_CONSTANTS: Int32Array[] = [];

(function buildTables() {
  const pi = Buffer.from(PI_HEX, 'hex');
  // Bit k of a 64-bit word (2^k) selects A_(63−k).
  const aLo = new Int32Array(64);
  const aHi = new Int32Array(64);
  for (let k = 0; k < 64; k++) {
    const row = BigInt('0x' + A_HEX[63 - k]);
    aLo[k] = Number(row & 0xffffffffn) | 0;
    aHi[k] = Number(row >> 32n) | 0;
  }
  for (let j = 0; j < 8; j++) {
    for (let b = 0; b < 256; b++) {
      const v = pi[b];
      let lo = 0;
      let hi = 0;
      for (let t = 0; t < 8; t++) {
        if (v & (1 << t)) {
          lo ^= aLo[8 * j + t];
          hi ^= aHi[8 * j + t];
        }
      }
      LPS_LO[j * 256 + b] = lo;
      LPS_HI[j * 256 + b] = hi;
    }
  }
  for (const hex of C_HEX) {
    const le = Buffer.from(hex, 'hex').reverse();
    const words = new Int32Array(16);
    for (let i = 0; i < 16; i++) words[i] = le.readInt32LE(4 * i);
    ROUND_CONSTANTS.push(words);
  }
})();

// The working state, reused by every call (a call runs to completion: JavaScript is single-threaded here). In RFC
// 6986's letters: hash is h, bitCount N, sigma Σ, roundKey K, messageBlock m; state is E's running value.
const hash = new Int32Array(16);
const bitCount = new Int32Array(16);
const sigma = new Int32Array(16);
const roundKey = new Int32Array(16);
const state = new Int32Array(16);
const messageBlock = new Int32Array(16);
const zero = new Int32Array(16);
const tail = new Uint8Array(64);

/**
 * out = LPS(a ⊕ b); out may be a or b. Unrolled by hand: output word i (lo, hi) is byte i of every input word j looked
 * up in table j (P is the byte-matrix transpose), and V8 keeps the sixteen input halves in registers.
 */
function lpsx(a: Int32Array, b: Int32Array, out: Int32Array): void {
  const x0 = a[0] ^ b[0],
    x1 = a[1] ^ b[1],
    x2 = a[2] ^ b[2],
    x3 = a[3] ^ b[3],
    x4 = a[4] ^ b[4],
    x5 = a[5] ^ b[5],
    x6 = a[6] ^ b[6],
    x7 = a[7] ^ b[7],
    x8 = a[8] ^ b[8],
    x9 = a[9] ^ b[9],
    x10 = a[10] ^ b[10],
    x11 = a[11] ^ b[11],
    x12 = a[12] ^ b[12],
    x13 = a[13] ^ b[13],
    x14 = a[14] ^ b[14],
    x15 = a[15] ^ b[15];
  out[0] =
    LPS_LO[x0 & 255] ^
    LPS_LO[256 | (x2 & 255)] ^
    LPS_LO[512 | (x4 & 255)] ^
    LPS_LO[768 | (x6 & 255)] ^
    LPS_LO[1024 | (x8 & 255)] ^
    LPS_LO[1280 | (x10 & 255)] ^
    LPS_LO[1536 | (x12 & 255)] ^
    LPS_LO[1792 | (x14 & 255)];
  out[1] =
    LPS_HI[x0 & 255] ^
    LPS_HI[256 | (x2 & 255)] ^
    LPS_HI[512 | (x4 & 255)] ^
    LPS_HI[768 | (x6 & 255)] ^
    LPS_HI[1024 | (x8 & 255)] ^
    LPS_HI[1280 | (x10 & 255)] ^
    LPS_HI[1536 | (x12 & 255)] ^
    LPS_HI[1792 | (x14 & 255)];
  out[2] =
    LPS_LO[(x0 >>> 8) & 255] ^
    LPS_LO[256 | ((x2 >>> 8) & 255)] ^
    LPS_LO[512 | ((x4 >>> 8) & 255)] ^
    LPS_LO[768 | ((x6 >>> 8) & 255)] ^
    LPS_LO[1024 | ((x8 >>> 8) & 255)] ^
    LPS_LO[1280 | ((x10 >>> 8) & 255)] ^
    LPS_LO[1536 | ((x12 >>> 8) & 255)] ^
    LPS_LO[1792 | ((x14 >>> 8) & 255)];
  out[3] =
    LPS_HI[(x0 >>> 8) & 255] ^
    LPS_HI[256 | ((x2 >>> 8) & 255)] ^
    LPS_HI[512 | ((x4 >>> 8) & 255)] ^
    LPS_HI[768 | ((x6 >>> 8) & 255)] ^
    LPS_HI[1024 | ((x8 >>> 8) & 255)] ^
    LPS_HI[1280 | ((x10 >>> 8) & 255)] ^
    LPS_HI[1536 | ((x12 >>> 8) & 255)] ^
    LPS_HI[1792 | ((x14 >>> 8) & 255)];
  out[4] =
    LPS_LO[(x0 >>> 16) & 255] ^
    LPS_LO[256 | ((x2 >>> 16) & 255)] ^
    LPS_LO[512 | ((x4 >>> 16) & 255)] ^
    LPS_LO[768 | ((x6 >>> 16) & 255)] ^
    LPS_LO[1024 | ((x8 >>> 16) & 255)] ^
    LPS_LO[1280 | ((x10 >>> 16) & 255)] ^
    LPS_LO[1536 | ((x12 >>> 16) & 255)] ^
    LPS_LO[1792 | ((x14 >>> 16) & 255)];
  out[5] =
    LPS_HI[(x0 >>> 16) & 255] ^
    LPS_HI[256 | ((x2 >>> 16) & 255)] ^
    LPS_HI[512 | ((x4 >>> 16) & 255)] ^
    LPS_HI[768 | ((x6 >>> 16) & 255)] ^
    LPS_HI[1024 | ((x8 >>> 16) & 255)] ^
    LPS_HI[1280 | ((x10 >>> 16) & 255)] ^
    LPS_HI[1536 | ((x12 >>> 16) & 255)] ^
    LPS_HI[1792 | ((x14 >>> 16) & 255)];
  out[6] =
    LPS_LO[x0 >>> 24] ^
    LPS_LO[256 | (x2 >>> 24)] ^
    LPS_LO[512 | (x4 >>> 24)] ^
    LPS_LO[768 | (x6 >>> 24)] ^
    LPS_LO[1024 | (x8 >>> 24)] ^
    LPS_LO[1280 | (x10 >>> 24)] ^
    LPS_LO[1536 | (x12 >>> 24)] ^
    LPS_LO[1792 | (x14 >>> 24)];
  out[7] =
    LPS_HI[x0 >>> 24] ^
    LPS_HI[256 | (x2 >>> 24)] ^
    LPS_HI[512 | (x4 >>> 24)] ^
    LPS_HI[768 | (x6 >>> 24)] ^
    LPS_HI[1024 | (x8 >>> 24)] ^
    LPS_HI[1280 | (x10 >>> 24)] ^
    LPS_HI[1536 | (x12 >>> 24)] ^
    LPS_HI[1792 | (x14 >>> 24)];
  out[8] =
    LPS_LO[x1 & 255] ^
    LPS_LO[256 | (x3 & 255)] ^
    LPS_LO[512 | (x5 & 255)] ^
    LPS_LO[768 | (x7 & 255)] ^
    LPS_LO[1024 | (x9 & 255)] ^
    LPS_LO[1280 | (x11 & 255)] ^
    LPS_LO[1536 | (x13 & 255)] ^
    LPS_LO[1792 | (x15 & 255)];
  out[9] =
    LPS_HI[x1 & 255] ^
    LPS_HI[256 | (x3 & 255)] ^
    LPS_HI[512 | (x5 & 255)] ^
    LPS_HI[768 | (x7 & 255)] ^
    LPS_HI[1024 | (x9 & 255)] ^
    LPS_HI[1280 | (x11 & 255)] ^
    LPS_HI[1536 | (x13 & 255)] ^
    LPS_HI[1792 | (x15 & 255)];
  out[10] =
    LPS_LO[(x1 >>> 8) & 255] ^
    LPS_LO[256 | ((x3 >>> 8) & 255)] ^
    LPS_LO[512 | ((x5 >>> 8) & 255)] ^
    LPS_LO[768 | ((x7 >>> 8) & 255)] ^
    LPS_LO[1024 | ((x9 >>> 8) & 255)] ^
    LPS_LO[1280 | ((x11 >>> 8) & 255)] ^
    LPS_LO[1536 | ((x13 >>> 8) & 255)] ^
    LPS_LO[1792 | ((x15 >>> 8) & 255)];
  out[11] =
    LPS_HI[(x1 >>> 8) & 255] ^
    LPS_HI[256 | ((x3 >>> 8) & 255)] ^
    LPS_HI[512 | ((x5 >>> 8) & 255)] ^
    LPS_HI[768 | ((x7 >>> 8) & 255)] ^
    LPS_HI[1024 | ((x9 >>> 8) & 255)] ^
    LPS_HI[1280 | ((x11 >>> 8) & 255)] ^
    LPS_HI[1536 | ((x13 >>> 8) & 255)] ^
    LPS_HI[1792 | ((x15 >>> 8) & 255)];
  out[12] =
    LPS_LO[(x1 >>> 16) & 255] ^
    LPS_LO[256 | ((x3 >>> 16) & 255)] ^
    LPS_LO[512 | ((x5 >>> 16) & 255)] ^
    LPS_LO[768 | ((x7 >>> 16) & 255)] ^
    LPS_LO[1024 | ((x9 >>> 16) & 255)] ^
    LPS_LO[1280 | ((x11 >>> 16) & 255)] ^
    LPS_LO[1536 | ((x13 >>> 16) & 255)] ^
    LPS_LO[1792 | ((x15 >>> 16) & 255)];
  out[13] =
    LPS_HI[(x1 >>> 16) & 255] ^
    LPS_HI[256 | ((x3 >>> 16) & 255)] ^
    LPS_HI[512 | ((x5 >>> 16) & 255)] ^
    LPS_HI[768 | ((x7 >>> 16) & 255)] ^
    LPS_HI[1024 | ((x9 >>> 16) & 255)] ^
    LPS_HI[1280 | ((x11 >>> 16) & 255)] ^
    LPS_HI[1536 | ((x13 >>> 16) & 255)] ^
    LPS_HI[1792 | ((x15 >>> 16) & 255)];
  out[14] =
    LPS_LO[x1 >>> 24] ^
    LPS_LO[256 | (x3 >>> 24)] ^
    LPS_LO[512 | (x5 >>> 24)] ^
    LPS_LO[768 | (x7 >>> 24)] ^
    LPS_LO[1024 | (x9 >>> 24)] ^
    LPS_LO[1280 | (x11 >>> 24)] ^
    LPS_LO[1536 | (x13 >>> 24)] ^
    LPS_LO[1792 | (x15 >>> 24)];
  out[15] =
    LPS_HI[x1 >>> 24] ^
    LPS_HI[256 | (x3 >>> 24)] ^
    LPS_HI[512 | (x5 >>> 24)] ^
    LPS_HI[768 | (x7 >>> 24)] ^
    LPS_HI[1024 | (x9 >>> 24)] ^
    LPS_HI[1280 | (x11 >>> 24)] ^
    LPS_HI[1536 | (x13 >>> 24)] ^
    LPS_HI[1792 | (x15 >>> 24)];
}

/** The compression function g: h ← g_N(h, m) = E(LPS(h ⊕ N), m) ⊕ h ⊕ m (RFC 6986 §7). */
function compress(counter: Int32Array, block: Int32Array): void {
  lpsx(hash, counter, roundKey);
  lpsx(roundKey, block, state);
  for (let i = 0; i < 11; i++) {
    lpsx(roundKey, ROUND_CONSTANTS[i], roundKey);
    lpsx(state, roundKey, state);
  }
  lpsx(roundKey, ROUND_CONSTANTS[11], roundKey);
  for (let i = 0; i < 16; i++) hash[i] ^= state[i] ^ roundKey[i] ^ block[i];
}

/** a ← a + b mod 2^512. */
function add512(a: Int32Array, b: Int32Array): void {
  let carry = 0;
  for (let i = 0; i < 16; i++) {
    const s = (a[i] >>> 0) + (b[i] >>> 0) + carry;
    a[i] = s | 0;
    carry = s > 0xffffffff ? 1 : 0;
  }
}

/** N ← N + bits (bits < 2^32). */
function addCount(bits: number): void {
  let carry = bits;
  for (let i = 0; i < 16 && carry; i++) {
    const s = (bitCount[i] >>> 0) + carry;
    bitCount[i] = s | 0;
    carry = s > 0xffffffff ? 1 : 0;
  }
}

function readBlock(data: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) {
    messageBlock[i] = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
  }
}

/** Streebog-256 of `data`: 32 bytes, in the byte order RFC 6986's examples print reversed (as OpenSSL gives it). */
export function streebog256(data: Uint8Array): Uint8Array {
  hash.fill(0x01010101);
  bitCount.fill(0);
  sigma.fill(0);
  const full = data.length - (data.length % 64);
  for (let at = 0; at < full; at += 64) {
    readBlock(data, at);
    compress(bitCount, messageBlock);
    addCount(512);
    add512(sigma, messageBlock);
  }
  // The rest (possibly empty) padded with 0x01 and zeros: the only block that is not a whole 64 bytes.
  const rest = data.length - full;
  tail.fill(0);
  tail.set(data.subarray(full), 0);
  tail[rest] = 0x01;
  readBlock(tail, 0);
  compress(bitCount, messageBlock);
  addCount(rest * 8);
  add512(sigma, messageBlock);
  compress(zero, bitCount);
  compress(zero, sigma);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = hash[8 + i];
    out[4 * i] = v;
    out[4 * i + 1] = v >>> 8;
    out[4 * i + 2] = v >>> 16;
    out[4 * i + 3] = v >>> 24;
  }
  return out;
}
