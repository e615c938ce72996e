package build

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The classic form is the classic builder's: a step's line, its output
// as it is, "Using cache"; the other vertices say nothing.
func TestClassicProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, true)
	v := p.start("[internal] load build definition from Dockerfile")
	v.logf("WARNING: nothing")
	v.cached()
	v.done()
	v = p.start("[builder 2/3] RUN echo hi")
	out := v.output()
	out.Write([]byte("hi\nthere"))
	out.Flush()
	v.failed(errors.New("boom"))
	p.start("[3/3] COPY a /a").cached()
	assert.Equal(t, "Step 2/3 : RUN echo hi\nhi\nthere\nStep 3/3 : COPY a /a\n ---> Using cache\n", buf.String())
}
