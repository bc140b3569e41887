import { QuartzConfig } from "./quartz/cfg"
import * as Plugin from "./quartz/plugins"

/**
 * Quartz 4 Configuration — a Quartz repository: the notes live in content/.
 * Plugin.ExplicitPublish() mentioned in this comment must not count.
 */
const config: QuartzConfig = {
  configuration: {
    pageTitle: "Garden // notes",
    enableSPA: true,
    locale: "en-US",
    baseUrl: "garden.example.org",
    ignorePatterns: ["private", "templates", ".obsidian"],
  },
  plugins: {
    transformers: [
      Plugin.FrontMatter(),
      Plugin.ObsidianFlavoredMarkdown({ enableInHtmlEmbed: false }),
      Plugin.GitHubFlavoredMarkdown(),
      Plugin.CrawlLinks({ markdownLinkResolution: "relative" }),
      Plugin.Description(),
    ],
    filters: [
      // Plugin.RemoveDrafts(),
      Plugin.ExplicitPublish(),
    ],
    emitters: [Plugin.ContentPage(), Plugin.FolderPage(), Plugin.TagPage()],
  },
}

export default config
