import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { ModelCatalog } from '../modelCatalog.ts';

/** `/video`'s definition; the model choices come from the catalog, so the catalog is an input. */
export function videoCommandData(catalog: ModelCatalog, defaultModel: string): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    name: 'video',
    type: ApplicationCommandType.ChatInput,
    description: 'Generate a short video from a text prompt (and an optional reference image)',
    description_localizations: { ja: 'テキスト（と任意の参照画像）から短い動画を生成します' },
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options: [
      {
        type: ApplicationCommandOptionType.String, name: 'prompt', required: true, max_length: 6000,
        description: 'What the video should show (up to 2000 characters)',
        name_localizations: { ja: 'プロンプト' },
        description_localizations: { ja: '動画の内容（2000文字まで）' },
      },
      {
        type: ApplicationCommandOptionType.Integer, name: 'duration', required: false,
        description: 'Length in seconds (default 4)',
        name_localizations: { ja: '長さ' },
        description_localizations: { ja: '秒数（既定は4秒）' },
        choices: [4, 8, 12].map((s) => ({ name: `${s} s`, name_localizations: { ja: `${s}秒` }, value: s })),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'aspect_ratio', required: false,
        description: 'Orientation (default landscape)',
        name_localizations: { ja: '縦横比' },
        description_localizations: { ja: '向き（既定は横長）' },
        choices: [
          { name: 'landscape (16:9)', name_localizations: { ja: '横長 (16:9)' }, value: 'landscape' },
          { name: 'portrait (9:16)', name_localizations: { ja: '縦長 (9:16)' }, value: 'portrait' },
        ],
      },
      {
        type: ApplicationCommandOptionType.String, name: 'model', required: false,
        description: `Model (default ${defaultModel})`.slice(0, 100),
        name_localizations: { ja: 'モデル' },
        description_localizations: { ja: `モデル（既定は ${defaultModel}）`.slice(0, 100) },
        choices: catalog.names().map((name) => ({ name, value: name })),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'resolution', required: false,
        description: 'Resolution, for models that offer it',
        name_localizations: { ja: '解像度' },
        description_localizations: { ja: '解像度（対応モデルのみ）' },
        choices: [
          { name: 'standard', name_localizations: { ja: '標準' }, value: 'standard' },
          { name: 'high', name_localizations: { ja: '高' }, value: 'high' },
        ],
      },
      {
        type: ApplicationCommandOptionType.Attachment, name: 'image', required: false,
        description: 'Reference image: JPEG, PNG or WebP, at most 10 MB',
        name_localizations: { ja: '画像' },
        description_localizations: { ja: '参照画像: JPEG・PNG・WebP、10 MB まで' },
      },
    ],
  };
}
