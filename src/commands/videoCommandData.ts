import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { jaChoiceNames, jaOptionNames } from '../i18n/commandNames.ts';
import type { ModelCatalog } from '../modelCatalog.ts';
import { durationLimits, modelChoices } from './catalogChoices.ts';
import { maxPromptChars } from './videoRequest.ts';

/** `/video`'s definition; the durations and model choices come from the catalog, so the catalog is an input. */
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
        type: ApplicationCommandOptionType.String, name: 'prompt', required: true, max_length: maxPromptChars,
        description: 'What the video should show (up to 2000 characters)',
        name_localizations: { ja: jaOptionNames.prompt },
        description_localizations: { ja: '動画の内容（2000文字まで）' },
      },
      {
        type: ApplicationCommandOptionType.Integer, name: 'duration', required: false,
        description: 'Length in seconds (default 4)',
        name_localizations: { ja: jaOptionNames.duration },
        description_localizations: { ja: '秒数（既定は4秒）' },
        ...durationLimits(catalog),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'aspect_ratio', required: false,
        description: 'Orientation (default landscape)',
        name_localizations: { ja: jaOptionNames.aspect_ratio },
        description_localizations: { ja: '向き（既定は横長）' },
        choices: [
          { name: 'landscape (16:9)', name_localizations: { ja: `${jaChoiceNames.landscape} (16:9)` }, value: 'landscape' },
          { name: 'portrait (9:16)', name_localizations: { ja: `${jaChoiceNames.portrait} (9:16)` }, value: 'portrait' },
        ],
      },
      {
        type: ApplicationCommandOptionType.String, name: 'model', required: false,
        description: `Model (default ${defaultModel})`.slice(0, 100),
        name_localizations: { ja: jaOptionNames.model },
        description_localizations: { ja: `モデル（既定は ${defaultModel}）`.slice(0, 100) },
        choices: modelChoices(catalog),
      },
      {
        type: ApplicationCommandOptionType.String, name: 'resolution', required: false,
        description: 'Resolution, for models that offer it',
        name_localizations: { ja: jaOptionNames.resolution },
        description_localizations: { ja: '解像度（対応モデルのみ）' },
        choices: [
          { name: 'standard', name_localizations: { ja: jaChoiceNames.standard }, value: 'standard' },
          { name: 'high', name_localizations: { ja: jaChoiceNames.high }, value: 'high' },
        ],
      },
      {
        type: ApplicationCommandOptionType.Attachment, name: 'image', required: false,
        description: 'Reference image: JPEG, PNG or WebP, at most 10 MB',
        name_localizations: { ja: jaOptionNames.image },
        description_localizations: { ja: '参照画像: JPEG・PNG・WebP、10 MB まで' },
      },
    ],
  };
}
