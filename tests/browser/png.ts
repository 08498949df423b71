/**
 * A small PNG decoder (8-bit greyscale, RGB, RGBA; no interlace): enough to
 * read a Chromium screenshot and count non-blank pixels.
 *
 * @module
 */

/** A decoded image: RGBA bytes, row-major. */
export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("deflate"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Decodes a PNG file.
 *
 * @param png The file's bytes.
 * @returns The image.
 */
export async function decodePng(png: Uint8Array): Promise<Image> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (png.length < 8 || sig.some((b, i) => png[i] !== b)) {
    throw new TypeError("Not a PNG file (bad signature)");
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let pos = 8, width = 0, height = 0, depth = 0, colour = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      depth = data[8];
      colour = data[9];
      interlace = data[12];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  if (depth !== 8 || interlace !== 0 || ![0, 2, 6].includes(colour)) {
    throw new RangeError(
      `Unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`,
    );
  }
  const channels = colour === 6 ? 4 : colour === 2 ? 3 : 1;
  const total = idat.reduce((n, d) => n + d.length, 0);
  const joined = new Uint8Array(total);
  let off = 0;
  for (const d of idat) {
    joined.set(d, off);
    off += d.length;
  }
  const raw = await inflate(joined);
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new RangeError("PNG image data is truncated");
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = src[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new RangeError(`Bad PNG filter ${filter} on row ${y}`);
      row[i] = v & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    rgba[i * 4] = px[j];
    rgba[i * 4 + 1] = channels >= 3 ? px[j + 1] : px[j];
    rgba[i * 4 + 2] = channels >= 3 ? px[j + 2] : px[j];
    rgba[i * 4 + 3] = channels === 4 ? px[j + 3] : 255;
  }
  return { width, height, rgba };
}

/** Counts pixels in a rectangle that are not near-white, and those that are coloured (not grey). */
export function inkIn(img: Image, r: { x: number; y: number; width: number; height: number }): {
  pixels: number;
  ink: number;
  coloured: number;
} {
  const x0 = Math.max(0, Math.floor(r.x)), y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(img.width, Math.ceil(r.x + r.width)),
    y1 = Math.min(img.height, Math.ceil(r.y + r.height));
  let ink = 0, coloured = 0, pixels = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const k = (y * img.width + x) * 4;
      const R = img.rgba[k], G = img.rgba[k + 1], B = img.rgba[k + 2];
      pixels++;
      if (R < 235 || G < 235 || B < 235) ink++;
      if (Math.max(R, G, B) - Math.min(R, G, B) > 40) coloured++;
    }
  }
  return { pixels, ink, coloured };
}
