import { QuartzConfig } from "./quartz/cfg"
import * as Plugin from "./quartz/plugins"

// An Obsidian vault published with Quartz from the same folder.
const config: QuartzConfig = {
  configuration: {
    pageTitle: "Vault",
    ignorePatterns: ["private", "templates", ".obsidian"],
  },
  plugins: {
    transformers: [
      Plugin.FrontMatter(),
      Plugin.CrawlLinks({ markdownLinkResolution: 'shortest' }),
    ],
    filters: [
      Plugin.RemoveDrafts(),
      /* Plugin.ExplicitPublish(), */
      // Plugin.ExplicitPublish(),
    ],
    emitters: [Plugin.ContentPage()],
  },
}

export default config
