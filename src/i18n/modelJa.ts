import type { Condition } from '../models/modelEntry.ts';
import type { DurationOffer } from '../models/checkSettings.ts';
import { jaChoiceNames, jaOptionNames } from './commandNames.ts';
import type { ModelMessages } from './modelMessages.ts';

/** A value the command data names in Japanese (landscape, high…) is shown by that name. */
const choice = (value: string) => jaChoiceNames[value as keyof typeof jaChoiceNames] ?? value;

function durationOffer(offer: DurationOffer): string {
  return 'seconds' in offer ? `${offer.seconds.join('・')}秒` : `${offer.min}〜${offer.max}秒`;
}

const sound = (on: boolean) => (on ? '音声あり' : '音声なし');

function condition(c: Condition): string {
  const parts: string[] = [];
  const d = c.durationSec;
  if (Array.isArray(d)) parts.push(`${(d as number[]).join('・')}秒`);
  else if (d) {
    const { min, max } = d as { min?: number; max?: number };
    parts.push(min !== undefined && max !== undefined ? `${min}〜${max}秒` : min !== undefined ? `${min}秒以上` : `${max}秒以下`);
  }
  if (c.resolution) parts.push(c.resolution.map(choice).join('か'));
  if (c.aspectRatio) parts.push(c.aspectRatio.map(choice).join('か'));
  if (c.audio) parts.push(c.audio.map(sound).join('か'));
  if (c.image) parts.push(c.image.map((i) => (i ? '参照画像あり' : '画像なし')).join('か'));
  return parts.join('・');
}

export const modelJa: ModelMessages = {
  problem: (p) => {
    switch (p.kind) {
      case 'duration': return `${p.label} で作れるのは ${durationOffer(p.offered)} の動画です（指定: ${p.asked}秒）。`;
      case 'aspectRatio': return p.imageDecides
        ? `${p.label} は縦横比を指定できません。テキストからは${p.offered.map(choice).join('か')}の動画になります。希望の向きの画像を添付してください。`
        : `${p.label} で作れるのは${p.offered.map(choice).join('か')}の動画です（指定: ${choice(p.asked)}）。`;
      case 'resolution': return p.offered.length === 0
        ? `${p.label} には解像度の選択がありません。\`${jaOptionNames.resolution}\` を空にしてください。`
        : `${p.label} の解像度は ${p.offered.map(choice).join('か')} です（指定: ${choice(p.asked)}）。`;
      case 'audio': return `${p.label} には音声の選択がありません。\`${jaOptionNames.audio}\` を空にしてください。`;
      case 'image': return `${p.label} はテキストからのみ動画を作ります。画像を外すか、別のモデルを選んでください。`;
      case 'rule': return `${p.label} では ${condition(p.when)} のとき ${condition(p.allow)} を選んでください。`;
    }
  },
  unknownModel: (model, available) => `モデル \`${model}\` は使えません。次から選んでください: ${available.map((m) => `\`${m}\``).join('、')}`,
  durationOffer,
  seconds: (n) => `${n}秒`,
  aspect: choice,
  resolution: choice,
  sound,
  condition,
  perSecond: '/秒',
  perClip: '/本',
  soundField: '音声',
  soundOption: '音声',
};
