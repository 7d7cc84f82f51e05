/**
 * What the fake apimart says about its models: `GET /v1/models` (the key's list, as apimart's new-api
 * gateway serves it) and the `503 model_not_found` a submit gets for a model no channel serves.
 */

export interface ListedModel {
  id: string;
  object?: string;
  owned_by?: string;
  category?: string;
  [key: string]: unknown;
}

export type ModelListAnswer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { raw: string; status?: number }
  | { destroyAfterReceive: true };

/** Models a key sees that are not video models: `npm run models` must leave them out. */
const OTHER_MODELS: ListedModel[] = [
  { id: 'gpt-image-2', object: 'model', owned_by: 'openai', category: 'image' },
  { id: 'gemini-2.5-flash', object: 'model', owned_by: 'google', category: 'chat' },
];

export class FakeModelList {
  /** The ids listed as video models; undefined lists whatever the fake accepts on submit. */
  videoModelIds: string[] | undefined;
  /** Entries listed as they are (any shape), replacing the generated list entirely. */
  entries: unknown[] | undefined;
  /** Answers given to the next `GET /v1/models` requests instead of the list, in order. */
  private readonly script: ModelListAnswer[] = [];
  /** Every answer from now on, until cleared: a provider whose list stays unreadable. */
  always: ModelListAnswer | undefined;
  /** Models a submit answers `503 model_not_found` for, as new-api does when no channel serves one. */
  readonly gone = new Set<string>();

  constructor(private readonly accepted: () => Iterable<string>) {}

  scriptAnswer(...answers: ModelListAnswer[]): void {
    this.script.push(...answers);
  }

  /** The model disappears upstream: no longer listed, and a submit for it answers 503 model_not_found. */
  retire(id: string): void {
    this.gone.add(id);
    this.videoModelIds = (this.videoModelIds ?? [...this.accepted()]).filter((m) => m !== id);
  }

  /** The answer to `GET /v1/models`. */
  answer(): ModelListAnswer {
    const scripted = this.script.shift() ?? this.always;
    if (scripted) return scripted;
    const video = (this.videoModelIds ?? [...this.accepted()]).map((id) => ({
      id, object: 'model', owned_by: 'apimart', category: 'video', capability_tags: ['video_generation'],
    }));
    return { status: 200, body: { success: true, object: 'list', data: this.entries ?? [...video, ...OTHER_MODELS] } };
  }

  /** The refusal a submit for a gone model gets, or undefined. */
  submitRefusal(model: unknown): ModelListAnswer | undefined {
    if (typeof model !== 'string' || !this.gone.has(model)) return undefined;
    return {
      status: 503,
      body: {
        error: {
          code: 'model_not_found',
          message: `No available channel for model ${model} under group default (distributor)`,
          type: 'new_api_error',
        },
      },
    };
  }
}
