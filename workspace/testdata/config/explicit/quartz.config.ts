const config = {
  plugins: {
    transformers: [Plugin.CrawlLinks({ markdownLinkResolution: "shortest" })],
    filters: [Plugin.ExplicitPublish()],
  },
}
export default config
