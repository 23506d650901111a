/* cssite: Material's search worker, with whole words stemmed in the query.
 *
 * Material appends "*" to every word the reader types, and lunr skips the stemmer for a
 * wildcard term. With a stemmed index ("лояльности" → "лояльн") a word typed in full
 * ("лояльность*") then matches nothing. Here each "word*" in a query is replaced by
 * "stem*", using the index's own search pipeline, before lunr parses it.
 */
importScripts("__MATERIAL_WORKER__");

(function (lunr) {
  var pipeline = null;

  var build = lunr.Builder.prototype.build;
  lunr.Builder.prototype.build = function () {
    var index = build.call(this);
    pipeline = index.pipeline;  // the search pipeline: trimmer, stop words, stemmer
    return index;
  };

  var parseTerm = lunr.QueryParser.parseTerm;
  lunr.QueryParser.parseTerm = function (parser) {
    var lexeme = parser.peekLexeme();
    if (pipeline && lexeme && /^[^*]{2,}\*$/.test(lexeme.str)) {
      var stems = pipeline.runString(lexeme.str.slice(0, -1).toLowerCase());
      if (stems.length && stems[0]) lexeme.str = stems[0] + "*";
    }
    return parseTerm(parser);
  };
})(self.lunr);
