package contract

// Lab switches: a defence an advanced-track lesson turns off for the
// learner's own browser only. GET /api/state lists the ones a request
// carries under "switches", by these names, which are also the values of
// POST /lab/switch's name field.
const (
	SwitchRotation    = "rotation"     // login keeps the session id: session fixation works (lesson 11)
	SwitchOriginCheck = "origin-check" // cross-origin POSTs are not refused (lesson 14)
)
