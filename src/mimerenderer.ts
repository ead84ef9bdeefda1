/**
 * The mime renderer of `application/vnd.mlmath-lab.check+json`: a test cell run by hand
 * shows the same result view as the Check button.
 *
 * It is a JupyterLab *mime extension* (package.json `jupyterlab.mimeExtension`), not a
 * plugin that adds a factory to the rendermime registry: JupyterLab registers mime
 * extensions before any notebook, console or output view exists, so every rendermime clone
 * has it, and the same file works in Notebook 7, in a prebuilt (federated) extension as in
 * a source build.
 */

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { parseCheckResult } from './formats/checkresult';
import { IMlmathLabSettings, sharedSettings, SettingsHolder } from './settings';
import { CHECK_MIME_TYPE, ICheckResult, PluginIDs } from './tokens';
import { CHECK_RESULT_CLASS, renderCheckOutcome } from './widgets/checkresult';

/**
 * A widget that renders a check result from a MIME bundle.
 */
export class CheckResultRenderer
  extends Widget
  implements IRenderMime.IRenderer
{
  constructor(
    options: IRenderMime.IRendererOptions,
    settings: SettingsHolder = sharedSettings
  ) {
    super();
    this._mimeType = options.mimeType;
    this._settings = settings;
    this.addClass(CHECK_RESULT_CLASS);
    this.addClass('mlmath-lab-mod-rendered');
    settings.changed.connect(this._onSettings, this);
  }

  /**
   * Render a check result into this widget.
   */
  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._result = parseCheckResult(model.data[this._mimeType]);
    this._render();
    return Promise.resolve();
  }

  private _onSettings(_: SettingsHolder, __: IMlmathLabSettings): void {
    this._render();
  }

  private _render(): void {
    const result = this._result;
    if (!result) {
      this.node.replaceChildren();
      delete this.node.dataset.exerciseId;
      this.node.dataset.status = 'error';
      const message = document.createElement('div');
      message.className = 'mlmath-lab-check-message';
      message.textContent =
        'This check result cannot be shown: it is not in a format this extension knows.';
      this.node.appendChild(message);
      return;
    }
    renderCheckOutcome(
      this.node,
      {
        exercise: result.exercise,
        status: result.status,
        result,
        message: '',
        elapsedMs: null
      },
      { showHints: this._settings.current.showHints }
    );
  }

  private _mimeType: string;
  private _settings: SettingsHolder;
  private _result: ICheckResult | null = null;
}

/**
 * The renderer factory. Rank 0, so it wins over the result's `text/html` and `text/plain`.
 * Safe: it renders text only, never HTML, so untrusted notebooks show it too.
 */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [CHECK_MIME_TYPE],
  defaultRank: 0,
  createRenderer: options => new CheckResultRenderer(options)
};

/**
 * The mime extension.
 */
const extension: IRenderMime.IExtension = {
  id: PluginIDs.mimeRenderer,
  description: 'Shows mlmath_lab check results.',
  rendererFactory,
  rank: 0,
  dataType: 'json'
};

export default extension;
