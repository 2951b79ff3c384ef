#!/usr/bin/env node
// Renders resources/icon.svg to the PNGs electron-builder needs (no binary icon is committed). electron-builder
// converts the 1024 px PNG to ICNS (macOS) and ICO (Windows) itself; Linux takes the folder of sizes.
//   node scripts/make-icons.js   → dist/icons/icon.png, dist/icons/png/<n>x<n>.png
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE = path.join(ROOT, 'resources/icon.svg');
const OUT = path.join(ROOT, 'dist/icons');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

fs.mkdirSync(path.join(OUT, 'png'), { recursive: true });
const svg = fs.readFileSync(SOURCE);
await sharp(svg, { density: 300 }).resize(1024, 1024).png().toFile(path.join(OUT, 'icon.png'));
for (const n of SIZES) {
  await sharp(svg, { density: 300 }).resize(n, n).png().toFile(path.join(OUT, 'png', `${n}x${n}.png`));
}
console.log(`icons: ${SIZES.length + 1} PNGs in ${path.relative(ROOT, OUT)}`);
