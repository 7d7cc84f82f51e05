/** A ratio as a signed difference: 1.14 → "+14%", 0.8 → "−20%". */
export const signedPercent = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.round(Math.abs(ratio - 1) * 100)}%`;
