import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Noto Sans JP, shipped as a dependency, so Japanese labels draw on any machine (Debian has no CJK font
 * by default); Latin text stays in the system's DejaVu Sans and resvg takes each other glyph from here.
 */
export const bundledJapaneseFont = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');

/** Device pixels per CSS pixel of the PNG. */
export const chartPixelRatio = 3;

/**
 * Vega-Lite → Vega → SVG (no canvas: renderer 'none') → PNG with resvg. The libraries load on the
 * first chart, so starting the bot does not pay for them.
 */
export function createChartRenderer(options: { fontFiles?: readonly string[] } = {}) {
  const font = { loadSystemFonts: true, fontFiles: [...(options.fontFiles ?? [bundledJapaneseFont])], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' };
  let japanese: Promise<boolean> | undefined;

  async function svgToPng(svg: string): Promise<Buffer> {
    const { renderAsync } = await import('@resvg/resvg-js');
    // Three times the CSS size: a phone shows the chart at its CSS width on a screen of three pixels per point.
    const image = await renderAsync(svg, { font, fitTo: { mode: 'zoom', value: chartPixelRatio }, logLevel: 'off' });
    return image.asPng();
  }

  return {
    async render(spec: TopLevelSpec): Promise<Buffer> {
      const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
      const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
      try {
        return await svgToPng(await view.toSVG());
      } finally {
        view.finalize();
      }
    },

    /**
     * Whether a font has Japanese glyphs (the bundled one, unless `fontFiles` replaced it): without one
     * resvg draws the same empty boxes it draws for a character no font has. Charts in Japanese fall
     * back to English labels then.
     */
    canDrawJapanese(): Promise<boolean> {
      japanese ??= (async () => {
        const text = (chars: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/><text x="4" y="30" font-size="24" font-family="${'sans-serif'}">${chars}</text></svg>`;
        const [kanji, missing] = await Promise.all([svgToPng(text('日本語')), svgToPng(text('\u{10FFFD}\u{10FFFD}\u{10FFFD}'))]);
        return !kanji.equals(missing);
      })();
      return japanese;
    },
  };
}

export type ChartRenderer = ReturnType<typeof createChartRenderer>;
