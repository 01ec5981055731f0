export type WebPartSlot = 'driver-settings' | 'report-form' | 'report-preview';

/**
 * A Lit element shipped by a plugin. The shell imports `module` from the plugin's served
 * assets (`/plugins/<pluginId>/<module>`) and mounts `tagName` in `slot` for the extension `for`.
 */
export interface WebPart {
  /** `amr-<pluginId>-<name>`. */
  tagName: string;
  /** Path of the ES module inside the plugin's web assets folder. */
  module: string;
  slot: WebPartSlot;
  /** Id of the driver or report the part belongs to. */
  for: string;
}
