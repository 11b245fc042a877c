"""The words the synthetic arXiv generator (:mod:`paperscope.synthetic`) writes with.

Categories, topics, sentence templates, slot pools, journals, venues and
name pools, written for the generator: nothing here is copied from real
papers. It is data only, kept apart so that the generator's code reads on
its own; the generator parses these strings once, at import, into plain
lists. Changing a single word changes every generated file, so the
byte-for-byte output for a seed holds only as long as this module does.
"""

from __future__ import annotations

import re

# Categories: code | field name (used in sentences) | share of submissions in
# about 2022 (percent) | yearly growth of that share | template family |
# group (LaTeX, journals, venues) | first year the category existed.
_CATEGORIES = """
cs.LG|machine learning|8|0.2|emp|ml|1998
cs.CV|computer vision|8|0.15|emp|cv|1998
cs.CL|natural language processing|6|0.22|emp|nlp|1998
cs.AI|artificial intelligence|3|0.2|emp|ml|1998
cs.RO|robotics|2.5|0.12|emp|ro|1998
cs.CR|computer security|2|0.1|emp|sys|1998
cs.IR|information retrieval|1.2|0.1|emp|sys|1998
cs.SE|software engineering|1.2|0.1|emp|sys|1998
cs.DC|distributed computing|1|0.06|emp|sys|1998
cs.NI|networking|0.8|0.04|emp|eess|1998
cs.HC|human-computer interaction|1|0.1|emp|sys|1998
cs.SI|social network analysis|0.6|0.05|emp|sys|2005
cs.CY|computers and society|0.6|0.12|emp|sys|1998
cs.DB|database systems|0.6|0.06|emp|sys|1998
cs.NE|neural and evolutionary computing|0.5|0.05|emp|ml|1998
cs.SD|audio processing|0.4|0.12|emp|eess|2006
cs.MA|multi-agent systems|0.3|0.12|emp|ml|1998
cs.DS|algorithm design|1|0.03|math|tcs|1998
cs.IT|information theory|1|0.02|math|eess|2004
cs.GT|algorithmic game theory|0.5|0.05|math|tcs|1998
cs.LO|logic in computer science|0.6|0.03|math|tcs|1998
cs.CC|computational complexity|0.3|0.02|math|tcs|1998
eess.SP|signal processing|1.2|0.06|emp|eess|2017
eess.IV|image processing|0.8|0.08|emp|cv|2017
eess.SY|control systems|1.2|0.06|emp|eess|2017
eess.AS|speech processing|0.5|0.1|emp|eess|2017
stat.ML|statistical learning|1.5|0.1|emp|stat|2007
stat.ME|statistical methodology|1.2|0.04|emp|stat|2007
stat.AP|applied statistics|0.5|0.04|emp|stat|2007
math.CO|combinatorics|1.8|0.02|math|math|1992
math.AP|partial differential equations|1.8|0.02|math|math|1992
math.PR|probability theory|1.3|0.02|math|math|1992
math.OC|optimization and control|1.5|0.05|math|math|1992
math.NA|numerical analysis|1.3|0.04|math|math|1992
math.AG|algebraic geometry|1.2|0.01|math|math|1992
math.NT|number theory|1|0.01|math|math|1992
math.DG|differential geometry|1|0.01|math|math|1992
math.GT|geometric topology|0.6|0|math|math|1992
math.RT|representation theory|0.5|0|math|math|1992
math.FA|functional analysis|0.8|0.01|math|math|1992
math.DS|dynamical systems|0.8|0.02|math|math|1992
math.ST|mathematical statistics|0.6|0.03|math|stat|1992
math.GR|group theory|0.5|0|math|math|1992
math.LO|mathematical logic|0.3|0|math|math|1992
math-ph|mathematical physics|0.8|0|math|math|1996
hep-ph|particle phenomenology|2.5|-0.02|phys|hep|1992
hep-th|high-energy theory|2.5|-0.02|phys|hep|1991
hep-ex|experimental particle physics|0.6|-0.02|phys|hep|1994
hep-lat|lattice field theory|0.3|-0.02|phys|hep|1992
gr-qc|gravitation and cosmology|1.5|0|phys|astro|1992
nucl-th|nuclear theory|0.7|-0.01|phys|hep|1992
nucl-ex|nuclear experiment|0.3|-0.01|phys|hep|1994
astro-ph.GA|galaxy astrophysics|1.8|0|phys|astro|1992
astro-ph.CO|cosmology|1.3|0|phys|astro|1992
astro-ph.SR|stellar astrophysics|1.3|0|phys|astro|1992
astro-ph.HE|high-energy astrophysics|1.2|0|phys|astro|1992
astro-ph.EP|planetary science|0.8|0.03|phys|astro|1992
astro-ph.IM|astronomical instrumentation|0.6|0.03|phys|astro|1992
quant-ph|quantum physics|4|0.06|phys|cm|1994
cond-mat.mtrl-sci|materials science|2|0.03|phys|cm|1992
cond-mat.str-el|strongly correlated electron physics|1.5|0|phys|cm|1992
cond-mat.mes-hall|mesoscale and nanoscale physics|1.8|0|phys|cm|1992
cond-mat.stat-mech|statistical mechanics|1.2|0|phys|cm|1992
cond-mat.supr-con|superconductivity|0.6|0|phys|cm|1992
cond-mat.soft|soft condensed matter|0.8|0.01|phys|cm|1992
cond-mat.quant-gas|quantum gases|0.6|0.01|phys|cm|2008
cond-mat.dis-nn|disordered systems|0.4|0.03|phys|cm|1992
physics.optics|optics|1.3|0.03|phys|cm|1996
physics.flu-dyn|fluid dynamics|1|0.04|phys|cm|1996
physics.comp-ph|computational physics|0.4|0.03|phys|cm|1996
physics.bio-ph|biological physics|0.4|0.02|phys|cm|1996
physics.soc-ph|physics and society|0.4|0.03|phys|cm|1996
physics.chem-ph|chemical physics|0.5|0.03|phys|cm|1996
physics.app-ph|applied physics|0.6|0.05|phys|cm|1996
physics.ins-det|detector physics|0.4|0.01|phys|hep|1996
physics.plasm-ph|plasma physics|0.5|0.02|phys|cm|1996
physics.atom-ph|atomic physics|0.4|0.01|phys|cm|1996
q-bio.NC|computational neuroscience|0.5|0.05|emp|bio|2003
q-bio.QM|quantitative biology|0.4|0.05|emp|bio|2003
q-bio.PE|population biology|0.3|0.03|emp|bio|2003
q-bio.BM|biomolecular modeling|0.3|0.06|emp|bio|2003
q-fin.ST|statistical finance|0.2|0.04|emp|econ|2008
q-fin.MF|mathematical finance|0.2|0.02|math|econ|2008
econ.EM|econometrics|0.3|0.06|emp|econ|2017
econ.GN|economics|0.3|0.08|emp|econ|2017
econ.TH|economic theory|0.2|0.04|math|econ|2017
nlin.CD|nonlinear dynamics|0.3|0|phys|cm|1993
nlin.PS|pattern formation|0.2|0|phys|cm|1993
"""

# Categories that arXiv always lists together.
_ALIASES = {
    "cs.IT": "math.IT",
    "math-ph": "math.MP",
    "eess.SY": "cs.SY",
    "math.ST": "stat.TH",
    "math.NA": "cs.NA",
}

# Topics: "@ primary | cross-lists | weight within the category | first year",
# then methods (M), objects or systems (O), tasks or phenomena (T) and
# properties or quantities (P), each a "; "-separated list of noun phrases.
_TOPICS = """
@ cs.LG | stat.ML cs.AI q-bio.BM physics.chem-ph | 1.2 | 2015
M graph neural networks; message passing neural networks; equivariant graph neural networks; graph transformers; geometric deep learning; diffusion models over molecular graphs; contrastive pretraining on molecular graphs; 3D equivariant transformers
O molecules; molecular graphs; small organic molecules; protein-ligand complexes; crystal structures; molecular conformers; chemical reaction networks; drug-like compounds
T molecular property prediction; drug discovery; de novo molecular design; binding affinity prediction; retrosynthesis planning; conformer generation; virtual screening; reaction outcome prediction
P predictive accuracy; sample efficiency; out-of-distribution generalization; chemical validity; uncertainty calibration; robustness to scaffold shifts; data efficiency
@ cs.LG | stat.ML cs.SI cs.AI | 1
M graph neural networks; graph convolutional networks; graph attention networks; spectral graph filters; graph transformers; random-walk positional encodings; graph contrastive learning
O large-scale graphs; heterophilous graphs; dynamic graphs; knowledge graphs; citation networks; heterogeneous information networks; temporal interaction graphs
T node classification; link prediction; graph classification; community detection; graph representation learning; temporal link forecasting
P expressive power; over-smoothing; scalability; generalization across graphs; robustness to structural perturbations; training efficiency
@ cs.LG | cs.AI stat.ML cs.RO cs.MA | 1.2
M deep reinforcement learning; policy gradient methods; actor-critic algorithms; offline reinforcement learning; model-based reinforcement learning; Q-learning with function approximation; reward shaping; hierarchical reinforcement learning
O continuous control tasks; Atari games; sparse-reward environments; partially observable Markov decision processes; multi-agent environments; simulated robotic benchmarks
T sequential decision making; policy optimization; exploration in large state spaces; offline policy evaluation; safe exploration; reward learning from human feedback
P sample efficiency; cumulative regret; asymptotic return; training stability; constraint satisfaction; generalization to unseen environments
@ cs.LG | stat.ML math.OC cs.NE | 1
M stochastic gradient descent; adaptive gradient methods; overparameterized neural networks; neural tangent kernel analysis; mean-field analysis; second-order optimizers; learning rate schedules; sharpness-aware minimization
O deep neural networks; two-layer networks; wide residual networks; transformer models; linear networks; nonconvex loss landscapes
T training dynamics; implicit regularization; generalization in deep learning; loss landscape geometry; feature learning; neural scaling laws
P convergence rate; generalization error; test loss; sharpness; optimization stability; sample complexity
@ cs.LG | cs.DC cs.CR stat.ML | 0.7 | 2016
M federated learning; federated averaging; differentially private stochastic gradient descent; secure aggregation; personalized federated learning; gradient compression; split learning
O heterogeneous clients; edge devices; non-IID client data; hospital networks; mobile keyboards; cross-silo deployments
T collaborative model training; privacy-preserving learning; client drift mitigation; communication-efficient training; personalization under data heterogeneity
P communication cost; privacy guarantees; model accuracy; convergence speed; fairness across clients; robustness to Byzantine clients
@ cs.LG | stat.ML cs.CV cs.AI | 1.2 | 2014
M diffusion models; score-based generative models; normalizing flows; variational autoencoders; generative adversarial networks; flow matching; consistency models; energy-based models
O high-dimensional distributions; image datasets; tabular data; point clouds; discrete sequences; scientific simulations
T generative modeling; density estimation; conditional generation; sampling acceleration; likelihood estimation; data augmentation
P sample quality; likelihood; sampling speed; mode coverage; Fréchet Inception Distance; training stability
@ cs.LG | stat.ML cs.AI eess.SP | 0.7
M recurrent neural networks; temporal convolutional networks; transformer-based forecasters; state space models; Gaussian processes; neural ordinary differential equations; foundation models for time series
O multivariate time series; irregularly sampled time series; traffic sensor data; electricity load data; electronic health records; financial time series
T long-horizon forecasting; anomaly detection; time series imputation; probabilistic forecasting; change point detection; time series classification
P forecasting accuracy; mean absolute error; calibration; computational efficiency; robustness to missing values; interpretability
@ cs.LG | cs.CL cs.AI cs.DC | 1.2 | 2019
M large language models; transformer architectures; mixture-of-experts layers; low-rank adaptation; quantization-aware training; knowledge distillation; sparse attention; speculative decoding
O pretrained transformers; billion-parameter models; attention layers; key-value caches; instruction-tuned models; foundation models
T parameter-efficient fine-tuning; model compression; efficient inference; long-context modeling; continual pretraining; compute-optimal training
P inference latency; memory footprint; perplexity; throughput; downstream accuracy; energy consumption
@ cs.LG | stat.ML cs.AI cs.CV | 0.8
M continual learning; meta-learning; domain adaptation; self-supervised learning; contrastive learning; invariant risk minimization; concept-based explanations; sparse autoencoders
O non-stationary data streams; distribution shifts; spurious correlations; few-shot tasks; long-tailed datasets; neural network activations
T catastrophic forgetting; out-of-distribution detection; representation learning; model interpretability; transfer learning; uncertainty quantification
P robustness; calibration; forgetting; transferability; faithfulness of explanations; worst-group accuracy
@ cs.CV | cs.LG cs.AI cs.RO | 1.2
M convolutional neural networks; vision transformers; feature pyramid networks; query-based detectors; masked image modeling; foundation segmentation models; self-supervised visual pretraining
O natural images; aerial imagery; street scenes; LiDAR point clouds; crowded scenes; remote sensing images
T object detection; semantic segmentation; instance segmentation; panoptic segmentation; open-vocabulary detection; small object detection
P mean average precision; intersection over union; inference speed; annotation cost; robustness to occlusion; localization accuracy
@ cs.CV | cs.GR cs.LG cs.RO | 1 | 2016
M neural radiance fields; 3D Gaussian splatting; multi-view stereo; implicit neural representations; differentiable rendering; structure from motion; monocular depth networks
O indoor scenes; dynamic scenes; sparse input views; human avatars; large-scale outdoor environments; RGB-D sequences
T novel view synthesis; 3D reconstruction; depth estimation; camera pose estimation; 3D scene understanding; surface reconstruction
P rendering quality; reconstruction fidelity; rendering speed; geometric accuracy; peak signal-to-noise ratio; memory usage
@ cs.CV | cs.LG cs.GR cs.AI | 1 | 2015
M text-to-image diffusion models; latent diffusion models; generative adversarial networks; classifier-free guidance; attention control; personalized fine-tuning; autoregressive image tokenizers
O text prompts; high-resolution images; facial images; artistic styles; reference images; video frames
T image synthesis; text-guided image editing; image inpainting; style transfer; image super-resolution; subject-driven generation
P visual fidelity; prompt alignment; identity preservation; perceptual quality; editing controllability; inference cost
@ cs.CV | cs.LG cs.MM | 0.8
M spatio-temporal transformers; 3D convolutional networks; optical flow networks; video-language models; temporal attention; memory-augmented trackers
O untrimmed videos; egocentric videos; surveillance footage; sports broadcasts; human motion sequences; long videos
T action recognition; temporal action localization; multi-object tracking; video question answering; human pose estimation; video captioning
P recognition accuracy; temporal consistency; tracking robustness; computational cost; frame rate; generalization to unseen actions
@ cs.CV | eess.IV cs.LG q-bio.QM | 0.8
M U-Net architectures; convolutional neural networks; vision transformers; semi-supervised segmentation; medical foundation models; domain generalization techniques
O magnetic resonance images; computed tomography scans; histopathology slides; chest radiographs; retinal fundus images; ultrasound videos
T lesion segmentation; tumor detection; disease classification; medical image registration; radiology report generation; survival prediction from imaging
P Dice score; diagnostic accuracy; sensitivity and specificity; robustness across scanners; annotation efficiency; clinical interpretability
@ cs.CV | cs.CL cs.LG cs.AI | 1 | 2019
M vision-language models; contrastive language-image pretraining; multimodal large language models; cross-modal attention; visual instruction tuning; prompt learning
O image-text pairs; visual question answering benchmarks; multimodal documents; charts and diagrams; referring expressions; web-scale datasets
T zero-shot image classification; visual question answering; image captioning; visual grounding; multimodal reasoning; hallucination mitigation
P zero-shot accuracy; grounding accuracy; hallucination rate; compositional generalization; data efficiency; robustness to distribution shifts
@ cs.CL | cs.AI cs.LG | 1.3 | 2020
M large language models; chain-of-thought prompting; in-context learning; reinforcement learning from human feedback; self-consistency decoding; tool-augmented language models; instruction tuning; process reward models
O mathematical word problems; multi-step reasoning tasks; code generation benchmarks; open-ended instructions; synthetic reasoning traces; agentic environments
T complex reasoning; mathematical problem solving; instruction following; planning with language models; self-correction; reasoning evaluation
P reasoning accuracy; faithfulness; robustness to prompt variations; token efficiency; generalization to harder problems; calibration
@ cs.CL | cs.AI cs.LG | 0.9
M neural machine translation; multilingual transformers; back-translation; cross-lingual transfer; subword tokenization; multilingual pretraining; encoder-decoder models
O low-resource languages; parallel corpora; code-switched text; morphologically rich languages; speech transcripts; African languages
T machine translation; cross-lingual transfer; language identification; multilingual evaluation; dialect adaptation; terminology-constrained translation
P BLEU score; translation quality; cross-lingual alignment; robustness to domain shift; tokenization efficiency; human preference
@ cs.CL | cs.AI cs.IR cs.LG | 0.8
M pretrained language models; sequence labeling models; conditional random fields; span-based extraction; prompt-based fine-tuning; weak supervision; contrastive sentence embeddings
O news articles; social media posts; clinical notes; scientific literature; customer reviews; legal documents
T named entity recognition; relation extraction; sentiment analysis; event extraction; text classification; stance detection
P F1 score; annotation efficiency; cross-domain robustness; tolerance to label noise; macro-averaged accuracy; interpretability
@ cs.CL | cs.IR cs.AI cs.LG | 1 | 2017
M retrieval-augmented generation; dense passage retrieval; reading comprehension models; large language models; knowledge-grounded generation; reranking models
O open-domain questions; Wikipedia passages; long documents; multi-hop questions; knowledge bases; conversational queries
T open-domain question answering; fact verification; document summarization; dialogue generation; knowledge-intensive tasks; long-form question answering
P exact match accuracy; factual consistency; retrieval recall; answer faithfulness; latency; hallucination rate
@ cs.CL | cs.AI cs.CY cs.CR cs.LG | 0.7 | 2021
M preference optimization; red-teaming; constitutional training; reward modeling; safety fine-tuning; jailbreak attacks; watermarking schemes
O chat assistants; harmful prompts; human preference data; model-generated text; benchmark leaderboards; open-weight models
T alignment of language models; safety evaluation; bias measurement; detection of machine-generated text; benchmark contamination; value alignment
P harmlessness; helpfulness; attack success rate; refusal rate; robustness to adversarial prompts; social bias
@ cs.AI | cs.LG cs.LO cs.CL cs.MA | 1
M automated planning; large language model agents; answer set programming; Monte Carlo tree search; neuro-symbolic reasoning; constraint satisfaction solvers; probabilistic graphical models
O knowledge graphs; planning domains; combinatorial puzzles; ontologies; interactive environments; logical theories
T automated reasoning; knowledge graph completion; task planning; commonsense reasoning; explainable decision making; program synthesis
P solution quality; planning time; logical consistency; explainability; success rate; scalability
@ cs.RO | cs.LG cs.CV cs.AI | 1
M imitation learning; diffusion policies; visuomotor policies; sim-to-real transfer; tactile sensing; vision-language-action models; trajectory optimization
O robotic manipulators; dexterous hands; deformable objects; household tasks; teleoperated demonstrations; cluttered tabletop scenes
T robotic grasping; dexterous manipulation; long-horizon manipulation; learning from demonstrations; object rearrangement; contact-rich assembly
P task success rate; generalization to novel objects; sample efficiency; robustness to disturbances; real-world performance; control frequency
@ cs.RO | eess.SY cs.CV cs.LG | 1
M simultaneous localization and mapping; model predictive control; visual-inertial odometry; reinforcement learning controllers; sampling-based motion planning; LiDAR odometry
O legged robots; quadrotors; autonomous vehicles; mobile robots; multi-robot teams; unstructured terrain
T autonomous navigation; legged locomotion; motion planning; state estimation; collision avoidance; exploration of unknown environments
P localization accuracy; trajectory tracking error; computational efficiency; safety margins; energy efficiency; robustness to sensor noise
@ cs.CR | cs.LG cs.AI | 1
M adversarial attacks; differential privacy; backdoor attacks; membership inference; certified defenses; homomorphic encryption; secure multi-party computation
O deep neural networks; machine learning services; training datasets; federated systems; large language models; biometric systems
T adversarial robustness; privacy-preserving machine learning; backdoor detection; model extraction; data poisoning defense; privacy auditing
P attack success rate; privacy leakage; clean accuracy; certified robustness; computational overhead; detection rate
@ cs.CR | cs.SE cs.NI | 1
M fuzzing; static analysis; symbolic execution; anomaly-based intrusion detection; binary analysis; formal verification; smart contract auditing
O Android applications; smart contracts; IoT firmware; network traffic; web browsers; operating system kernels
T vulnerability detection; malware classification; intrusion detection; side-channel analysis; software supply chain security; phishing detection
P detection accuracy; false positive rate; code coverage; runtime overhead; number of discovered vulnerabilities; scalability
@ cs.IR | cs.LG cs.CL cs.SI | 1
M collaborative filtering; graph-based recommenders; sequential recommendation models; dense retrieval; learning to rank; two-tower models; large language model rerankers
O user-item interactions; click logs; e-commerce catalogs; session data; news feeds; web search queries
T recommendation; ad-hoc retrieval; click-through rate prediction; query understanding; conversational recommendation; cold-start recommendation
P recall; normalized discounted cumulative gain; recommendation diversity; popularity bias; serving latency; user engagement
@ cs.SE | cs.LG cs.PL cs.AI | 1
M large language models for code; program analysis; automated program repair; mutation testing; search-based software engineering; static type inference; code embeddings
O open-source repositories; pull requests; unit tests; legacy codebases; build logs; continuous integration pipelines
T code generation; program repair; test generation; code review; defect prediction; technical debt detection
P pass@k; fault detection rate; developer productivity; maintainability; correctness of generated code; compilation success rate
@ cs.DC | cs.LG cs.PF cs.NI | 1
M distributed training; pipeline parallelism; serverless computing; GPU scheduling; consensus protocols; edge offloading; collective communication primitives
O GPU clusters; cloud data centers; heterogeneous accelerators; edge devices; blockchain networks; high-performance computing systems
T large-scale model training; resource scheduling; fault tolerance; load balancing; elastic inference serving; workflow orchestration
P throughput; tail latency; resource utilization; energy efficiency; scalability; cost efficiency
@ cs.NI | eess.SP cs.IT cs.LG | 1
M deep reinforcement learning; reconfigurable intelligent surfaces; network slicing; mobile edge computing; software-defined networking; beamforming optimization; semantic communication
O 5G networks; 6G systems; vehicular networks; unmanned aerial vehicle networks; Internet of Things devices; satellite constellations
T resource allocation; spectrum sharing; traffic prediction; task offloading; network management; congestion control
P spectral efficiency; end-to-end latency; energy consumption; packet loss; network throughput; quality of service
@ cs.HC | cs.AI cs.CY cs.CL | 1
M user studies; semi-structured interviews; mixed-methods analysis; participatory design; eye tracking; conversational agents; mixed reality interfaces
O novice programmers; older adults; crowd workers; people with visual impairments; online communities; clinicians
T human-AI collaboration; accessibility; information visualization; trust in automation; user experience design; creativity support
P usability; task completion time; user trust; cognitive load; user satisfaction; engagement
@ cs.SI | physics.soc-ph cs.CY cs.LG | 1
M network embedding; influence maximization algorithms; community detection; diffusion models on networks; agent-based simulation; temporal network analysis
O social networks; online communities; Twitter conversations; citation graphs; misinformation cascades; collaboration networks
T information diffusion; misinformation detection; opinion dynamics; influence maximization; polarization analysis; link prediction
P influence spread; detection accuracy; modularity; echo chamber strength; prediction accuracy; scalability
@ cs.CY | cs.AI cs.HC cs.LG | 1
M large-scale surveys; algorithmic audits; fairness-aware learning; content analysis; causal analysis; policy analysis
O automated decision systems; online platforms; students; public datasets; generative AI tools; hiring algorithms
T algorithmic fairness; AI governance; digital education; content moderation; data privacy regulation; societal impact of AI
P disparate impact; transparency; accountability; learning outcomes; public trust; equity
@ cs.DB | cs.LG cs.DS cs.IR | 1
M cost-based query optimizers; learned index structures; vectorized execution; approximate query processing; transaction processing protocols; data cleaning pipelines
O relational databases; data lakes; knowledge graphs; streaming data; vector databases; spreadsheets
T query optimization; cardinality estimation; data integration; text-to-SQL; entity resolution; similarity search
P query latency; estimation error; throughput; storage overhead; accuracy; scalability
@ cs.NE | cs.LG cs.AI math.OC | 1
M evolutionary algorithms; genetic programming; spiking neural networks; neuroevolution; particle swarm optimization; CMA-ES; surrogate-assisted optimization
O multi-objective problems; neuromorphic hardware; combinatorial benchmarks; black-box functions; neural architectures; benchmark suites
T black-box optimization; neural architecture search; multi-objective optimization; energy-efficient computation; algorithm configuration; quality-diversity search
P convergence speed; solution quality; energy efficiency; hypervolume; diversity; robustness
@ cs.SD | eess.AS cs.LG cs.MM | 1
M neural audio codecs; diffusion models; self-supervised audio representations; source separation networks; audio language models; spectrogram transformers
O music recordings; environmental sounds; singing voice; polyphonic audio; audio-text pairs; symbolic music
T music generation; sound event detection; music source separation; audio captioning; audio tagging; text-to-audio generation
P audio quality; separation quality; Fréchet Audio Distance; real-time factor; musicality; perceptual similarity
@ eess.AS | cs.SD cs.CL cs.LG | 1
M end-to-end speech recognition; self-supervised speech models; neural vocoders; conformer encoders; text-to-speech models; speaker embeddings
O conversational speech; accented speech; low-resource languages; noisy recordings; multi-speaker audio; child speech
T automatic speech recognition; speech synthesis; speaker verification; speech enhancement; spoken language understanding; speech translation
P word error rate; naturalness; equal error rate; intelligibility; latency; robustness to noise
@ cs.MA | cs.AI cs.LG cs.GT cs.RO | 1
M multi-agent reinforcement learning; language model agents; mean-field approximations; consensus algorithms; auction-based coordination; learned communication protocols
O cooperative agents; autonomous vehicles; robot swarms; negotiation settings; mixed-motive games; traffic networks
T multi-agent coordination; emergent communication; task allocation; decentralized control; collective decision making; agent negotiation
P team reward; coordination efficiency; scalability; robustness to agent failures; social welfare; convergence
@ cs.DS | cs.DM math.CO cs.CC | 1
M approximation algorithms; linear programming relaxations; randomized rounding; dynamic programming; sketching techniques; local search; primal-dual methods; parameterized algorithms
O weighted graphs; planar graphs; data streams; metric spaces; bipartite graphs; directed networks
T the minimum cut problem; shortest path computation; graph partitioning; online matching; the traveling salesman problem; k-median clustering; maximum flow
P approximation ratio; running time; space complexity; competitive ratio; query complexity; update time
@ cs.IT | eess.SP cs.NI | 1
M polar codes; lattice coding; successive cancellation decoding; random coding arguments; convex optimization; information-theoretic inequalities
O multiple-access channels; broadcast channels; wiretap channels; MIMO systems; distributed storage systems; quantized channels
T channel capacity; secrecy capacity; the rate-distortion function; coded caching; error exponents; private information retrieval
P achievable rates; decoding complexity; error probability; capacity bounds; minimum distance; latency
@ cs.GT | econ.TH cs.MA cs.DS | 1
M mechanism design; online learning dynamics; fixed-point arguments; linear programming duality; prophet inequalities; best-response dynamics
O auctions; matching markets; congestion games; two-sided platforms; strategic agents; combinatorial markets
T revenue maximization; Nash equilibria; fair division; the price of anarchy; incentive compatibility; social welfare maximization
P approximation guarantees; convergence to equilibrium; envy-freeness; truthfulness; efficiency loss; computational complexity
@ cs.LO | cs.PL math.LO cs.FL | 1
M type theory; model checking; proof assistants; coinductive techniques; automata-theoretic methods; categorical semantics
O concurrent programs; higher-order programs; timed automata; modal logics; probabilistic programs; rewrite systems
T program verification; decidability of satisfiability; bisimulation equivalence; termination analysis; denotational semantics; synthesis of reactive systems
P decidability; soundness and completeness; expressiveness; complexity of model checking; compositionality; normalization
@ cs.CC | cs.DS math.CO quant-ph | 1
M algebraic techniques; communication complexity arguments; PCP constructions; the polynomial method; hardness amplification; fine-grained reductions
O Boolean circuits; constraint satisfaction problems; proof systems; arithmetic circuits; query algorithms; randomized protocols
T circuit lower bounds; hardness of approximation; derandomization; the complexity of counting problems; proof complexity; pseudorandom generators
P lower bounds; hardness; seed length; query complexity; approximation thresholds; size-depth tradeoffs
@ eess.SP | cs.IT eess.SY cs.LG | 1
M compressed sensing; sparse Bayesian learning; deep unfolding networks; graph signal processing; Kalman filtering; beamforming algorithms; integrated sensing and communication
O radar signals; massive MIMO arrays; electroencephalography recordings; wireless channels; sensor arrays; millimeter-wave systems
T channel estimation; direction-of-arrival estimation; signal detection; target tracking; spectrum sensing; signal reconstruction
P estimation accuracy; mean squared error; computational complexity; detection probability; angular resolution; robustness to noise
@ eess.IV | cs.CV cs.LG physics.med-ph | 1
M learned image compression; deep unrolled networks; plug-and-play priors; implicit neural representations; diffusion-based restoration; transformer-based denoisers
O hyperspectral images; low-light images; MRI k-space data; compressed video; satellite imagery; microscopy images
T image restoration; image compression; MRI reconstruction; image denoising; image quality assessment; video coding
P rate-distortion performance; peak signal-to-noise ratio; structural similarity; reconstruction quality; perceptual quality; decoding speed
@ eess.SY | math.OC cs.LG cs.RO | 1
M model predictive control; reinforcement learning; Lyapunov-based control; robust control; data-driven control; control barrier functions; distributed optimization
O power grids; autonomous vehicles; networked control systems; microgrids; lithium-ion batteries; nonlinear systems
T stability analysis; trajectory tracking; safe control; frequency regulation; state estimation; energy management
P closed-loop stability; tracking error; robustness margins; constraint satisfaction; operating cost; computational burden
@ stat.ML | cs.LG math.ST stat.ME | 1
M Gaussian processes; kernel methods; variational inference; Markov chain Monte Carlo; conformal prediction; Bayesian neural networks; optimal transport; random features
O high-dimensional data; heteroscedastic data; small samples; exchangeable data; functional data; censored observations
T uncertainty quantification; Bayesian inference; distribution-free prediction; kernel two-sample testing; causal discovery; nonparametric regression
P coverage; posterior contraction; statistical efficiency; computational scalability; minimax rates; calibration
@ stat.ME | stat.AP econ.EM math.ST | 1
M causal inference; propensity score methods; instrumental variables; Bayesian hierarchical models; the bootstrap; multiple testing procedures; semiparametric estimation; doubly robust estimators
O observational studies; randomized controlled trials; longitudinal data; survival data; spatial data; incomplete data
T treatment effect estimation; variable selection; sensitivity analysis; survival analysis; small area estimation; causal mediation analysis
P bias; variance; coverage probability; type I error; statistical power; robustness to model misspecification
@ stat.AP | stat.ME q-bio.QM physics.ao-ph | 1
M generalized additive models; spatio-temporal models; Bayesian hierarchical models; mixed-effects models; extreme value theory; functional data analysis
O epidemiological data; climate records; air pollution measurements; electronic health records; sports data; census data
T disease risk mapping; forecasting of extreme events; public health surveillance; environmental exposure assessment; clinical risk prediction; election forecasting
P predictive performance; uncertainty; spatial resolution; interpretability; bias; calibration
@ math.CO | math.PR cs.DM | 1
M the probabilistic method; spectral techniques; the container method; algebraic methods; discharging arguments; bijective arguments; generating functions; the regularity lemma
O planar graphs; hypergraphs; random regular graphs; permutations; set systems; Cayley graphs; tournaments; integer partitions
T the chromatic number; Turán numbers; Ramsey numbers; the independence number; Hamiltonian cycles; perfect matchings; graph homomorphisms
P sharp threshold phenomena; Hamiltonicity; extremal structure; asymptotic enumeration formulas; log-concavity; bijective correspondences
@ math.AP | math.DS math-ph physics.flu-dyn | 1
M energy methods; Strichartz estimates; compactness arguments; the method of moving planes; variational methods; commutator estimates; Carleman estimates
O the incompressible Navier-Stokes equations; nonlinear Schrödinger equations; elliptic systems; semilinear wave equations; Keller-Segel systems; fractional Laplacians; porous medium equations
T global well-posedness; blow-up of solutions; regularity of weak solutions; long-time asymptotics; existence of ground states; scattering; homogenization
P uniqueness; stability of stationary solutions; decay rates; optimal regularity; non-existence results; Liouville-type theorems
@ math.PR | math-ph math.CO cond-mat.stat-mech | 1
M coupling arguments; martingale techniques; large deviation principles; Stein's method; stochastic calculus; renormalization arguments
O random walks; branching processes; interacting particle systems; random matrices; stochastic partial differential equations; percolation clusters; random trees
T scaling limits; mixing times; the spectral distribution; hitting probabilities; fluctuations of the free energy; local limit theorems
P convergence in distribution; concentration inequalities; universality; phase transitions; exponential ergodicity; tail bounds
@ math.OC | cs.LG eess.SY math.NA | 1
M proximal gradient methods; interior-point methods; semidefinite relaxations; Lagrangian duality; operator splitting methods; dynamic programming; Pontryagin's maximum principle
O convex programs; nonsmooth functions; mixed-integer programs; stochastic optimal control problems; bilevel programs; mean-field games
T convergence of first-order methods; optimal control; feasibility problems; stochastic optimization; robust optimization; variational inequalities
P linear convergence; iteration complexity; optimality conditions; exact recovery; global convergence; duality gaps
@ math.NA | cs.CE physics.comp-ph math.AP | 1
M finite element methods; discontinuous Galerkin methods; multigrid preconditioners; Krylov subspace methods; spectral methods; physics-informed neural networks; low-rank tensor approximations
O elliptic boundary value problems; parabolic equations; saddle point systems; Maxwell's equations; high-dimensional PDEs; sparse linear systems
T a posteriori error estimation; numerical stability; preconditioning; time integration; model order reduction; uncertainty propagation
P optimal convergence rates; computational cost; energy stability; conservation properties; parameter robustness; accuracy
@ math.AG | math.NT math.CT hep-th | 1
M intersection theory; derived categories; Hodge theory; tropical geometry; deformation theory; birational geometry techniques; Gromov-Witten theory
O moduli spaces of curves; Calabi-Yau threefolds; abelian varieties; K3 surfaces; toric varieties; vector bundles; Fano varieties
T the Hodge conjecture; rationality problems; enumerative invariants; Bridgeland stability conditions; the minimal model program; cohomology of moduli spaces
P irreducibility; smoothness; birational rigidity; finite generation; semistability; dimension bounds
@ math.NT | math.AG math.CO | 1
M the circle method; sieve methods; modular forms; Galois representations; p-adic methods; the theory of L-functions; exponential sum estimates
O elliptic curves; number fields; quadratic forms; Diophantine equations; arithmetic progressions; abelian varieties over finite fields
T the distribution of primes; ranks of elliptic curves; special values of L-functions; class numbers; rational points; moments of L-functions
P equidistribution; non-vanishing; effective bounds; density results; congruences; asymptotic formulas
@ math.DG | math.AP math.GT gr-qc | 1
M geometric flows; the maximum principle; gluing constructions; comparison geometry; harmonic analysis on manifolds; Morse theory
O Riemannian manifolds; minimal surfaces; Kähler manifolds; hypersurfaces in space forms; Ricci solitons; contact manifolds
T the Ricci flow; curvature pinching; the Yamabe problem; rigidity of minimal hypersurfaces; isoperimetric inequalities; existence of Einstein metrics
P rigidity; stability; compactness; curvature bounds; uniqueness; convergence of the flow
@ math.GT | math.GR math.SG | 1
M Heegaard Floer homology; Khovanov homology; hyperbolic geometry; mapping class group actions; surgery techniques; train track arguments
O knots; links; 3-manifolds; surface bundles; braids; Seifert fibered spaces
T knot concordance; the slice genus; Dehn surgery; fibered knots; invariants of 3-manifolds; quasipositivity
P sharp genus bounds; detection results; rigidity; non-sliceness; asymptotic growth; computability
@ math.RT | math.QA math.CO | 1
M Kazhdan-Lusztig theory; categorification; crystal bases; the geometric Satake equivalence; character formulas; quiver representations
O reductive groups; Lie superalgebras; quantum groups; Hecke algebras; finite groups of Lie type; affine Lie algebras
T the decomposition of tensor products; branching rules; unitary representations; category O; modular representation theory; highest weight modules
P multiplicity formulas; semisimplicity; irreducibility; character identities; dimension formulas; positivity
@ math.FA | math.OA math.CA | 1
M interpolation theory; operator-theoretic methods; Banach space geometry; spectral theory; harmonic analysis techniques; fixed point theorems
O Banach spaces; C*-algebras; Hilbert space operators; Sobolev spaces; Toeplitz operators; operator semigroups
T the invariant subspace problem; boundedness of singular integrals; spectral properties; approximation properties; norm inequalities; compactness of embeddings
P boundedness; compactness; sharp constants; density; reflexivity; stability
@ math.DS | math.PR nlin.CD | 1
M ergodic theory; symbolic dynamics; thermodynamic formalism; renormalization methods; KAM theory; hyperbolic dynamics
O interval maps; Anosov flows; billiards; Hamiltonian systems; random dynamical systems; group actions on manifolds
T invariant measures; topological entropy; mixing properties; periodic orbits; bifurcations; Lyapunov exponents
P ergodicity; exponential decay of correlations; structural stability; equidistribution; positivity of entropy; rigidity
@ math.ST | stat.ME stat.ML | 1
M empirical process theory; minimax lower bounds; penalized likelihood; random matrix theory; the bootstrap; Bayesian nonparametrics
O high-dimensional regression models; sparse covariance matrices; mixture models; stationary time series; contaminated samples; network data
T high-dimensional estimation; hypothesis testing; covariance estimation; change point detection; model selection; robust estimation
P minimax optimality; consistency; asymptotic normality; rates of convergence; adaptivity; robustness
@ math.GR | math.GT math.CO | 1
M geometric group theory; Bass-Serre theory; small cancellation theory; cohomological methods; character estimates; combinatorial group theory
O hyperbolic groups; right-angled Artin groups; finitely generated groups; profinite groups; lattices in Lie groups; automorphism groups of free groups
T growth of groups; amenability; residual finiteness; the word problem; conjugacy classes; subgroup structure
P finiteness properties; quasi-isometric rigidity; solvability; uniform bounds; growth rates; acylindrical hyperbolicity
@ math.LO | cs.LO math.GN | 1
M forcing; o-minimality; descriptive set theory; stability theory; large cardinal arguments; ultraproducts
O models of set theory; definable sets; Polish spaces; first-order theories; Borel equivalence relations; countable structures
T independence results; classification of theories; cardinal characteristics; definability; decidability; Borel reducibility
P consistency; definability; categoricity; absoluteness; dichotomy theorems; complexity bounds
@ math-ph | quant-ph cond-mat.stat-mech hep-th nlin.SI | 1
M Bethe ansatz techniques; spectral analysis; semiclassical analysis; Riemann-Hilbert methods; operator algebras; functional integrals
O quantum spin chains; Schrödinger operators; random operators; integrable systems; quantum field theories; lattice models
T spectral gaps; Anderson localization; integrability; correlation functions; quantum entropies; semiclassical limits
P exact solvability; spectral stability; asymptotic expansions; uniform bounds; gap estimates; rigorous results
@ hep-ph | hep-ex astro-ph.CO hep-th | 1
M effective field theory; global fits; Monte Carlo event generators; renormalization group analysis; collider simulations; relic density calculations
O dark matter candidates; extended Higgs sectors; supersymmetric models; axion-like particles; vector-like quarks; heavy neutral leptons
T physics beyond the Standard Model; dark matter production; electroweak symmetry breaking; flavor anomalies; baryogenesis; the hierarchy problem
P production cross sections; decay rates; the relic abundance; exclusion limits; coupling constants; the mass spectrum
@ hep-ph | hep-ex nucl-th hep-lat | 1
M perturbative QCD; next-to-next-to-leading order calculations; soft-collinear effective theory; parton distribution fits; dispersive methods; global oscillation analyses
O hadron colliders; heavy quarkonia; jets; neutrino oscillation experiments; top quark pairs; exotic hadrons
T neutrino masses and mixing; parton distribution functions; resummation of large logarithms; quarkonium production; CP violation; jet substructure
P theoretical uncertainties; differential distributions; mixing angles; form factors; branching ratios; the strong coupling constant
@ hep-th | gr-qc quant-ph | 1
M the AdS/CFT correspondence; string compactifications; the conformal bootstrap; supersymmetric localization; holographic renormalization; worldsheet techniques
O anti-de Sitter black holes; conformal field theories; supersymmetric gauge theories; D-brane configurations; Calabi-Yau compactifications; Chern-Simons theories
T holographic entanglement entropy; the black hole information paradox; dualities in gauge theories; the string landscape; confinement; quantum chaos
P the entanglement entropy; the central charge; scaling dimensions; thermodynamic properties; operator spectra; the Page curve
@ hep-th | hep-ph gr-qc | 1
M on-shell methods; the double copy; effective field theory; generalized unitarity; the renormalization group; path integral methods; dispersion relations
O scattering amplitudes; gauge theories; gravitational theories; de Sitter space; higher-spin theories; cosmological correlators
T the S-matrix bootstrap; positivity bounds; quantum gravity; inflationary cosmology; anomalies in quantum field theory; asymptotic symmetries
P loop corrections; unitarity constraints; infrared divergences; soft theorems; Wilson coefficients; correlation functions
@ hep-ex | hep-ph physics.ins-det | 1
M multivariate analysis techniques; boosted decision trees; template fits; tag-and-probe methods; unbinned maximum likelihood fits; jet tagging algorithms
O proton-proton collisions; electron-positron collisions; B meson decays; top quark events; heavy-ion collisions; neutrino beams
T searches for new resonances; precision Higgs boson measurements; rare decays; lepton flavor universality; dark photon searches; CP violation
P cross sections; branching fractions; upper limits; signal significance; systematic uncertainties; invariant mass distributions
@ hep-lat | hep-ph nucl-th | 1
M lattice QCD simulations; chiral perturbation theory; Hybrid Monte Carlo; tensor network methods; the gradient flow; domain-wall fermions
O light hadrons; gauge field ensembles; heavy-light mesons; the QCD phase diagram; nucleon matrix elements; glueballs
T hadron spectroscopy; the QCD equation of state; topological susceptibility; hadronic vacuum polarization; confinement; chiral symmetry breaking
P continuum extrapolations; finite-volume effects; statistical errors; decay constants; form factors; the pion mass dependence
@ gr-qc | astro-ph.HE astro-ph.IM | 1
M numerical relativity; post-Newtonian expansions; effective-one-body models; matched filtering; Bayesian parameter estimation; black hole perturbation theory
O binary black holes; neutron star mergers; Kerr black holes; gravitational-wave detectors; compact binaries; extreme mass-ratio inspirals
T gravitational-wave detection; tests of general relativity; quasinormal mode spectroscopy; black hole mergers; waveform modeling; tidal deformability
P waveform accuracy; signal-to-noise ratio; parameter degeneracies; the ringdown spectrum; detection rates; systematic biases
@ gr-qc | hep-th astro-ph.CO | 1
M modified gravity theories; the Hamiltonian formalism; dynamical systems analysis; loop quantum gravity; scalar-tensor theories; conformal methods
O wormholes; regular black holes; Friedmann-Lemaître-Robertson-Walker spacetimes; de Sitter spacetimes; scalar fields; compact stars
T cosmic acceleration; singularity resolution; black hole thermodynamics; energy conditions; quantum cosmology; horizon structure
P stability; the Hawking temperature; the equation of state; geodesic structure; the shadow radius; perturbative stability
@ nucl-th | hep-ph nucl-ex astro-ph.HE | 1
M relativistic mean-field models; chiral effective field theory; the nuclear shell model; ab initio calculations; hydrodynamic simulations; transport models
O neutron-rich nuclei; nuclear matter; neutron stars; heavy-ion collisions; the quark-gluon plasma; light nuclei
T nuclear structure; the nuclear equation of state; collective flow; nucleon-nucleon interactions; nuclear fission; neutrinoless double beta decay
P binding energies; charge radii; the symmetry energy; transport coefficients; excitation spectra; anisotropic flow
@ nucl-ex | nucl-th hep-ex | 1
M gamma-ray spectroscopy; time-of-flight techniques; coincidence measurements; storage-ring experiments; particle identification; Penning trap mass spectrometry
O heavy-ion collisions; exotic nuclei; radioactive beams; lead-lead collisions; proton-nucleus collisions; isomeric states
T nuclear astrophysics; collective flow; nuclear reactions; particle production; mass measurements; fusion cross sections
P cross sections; production yields; half-lives; particle spectra; mass excesses; flow harmonics
@ astro-ph.GA | astro-ph.CO | 1
M cosmological hydrodynamical simulations; integral field spectroscopy; spectral energy distribution fitting; photometric redshifts; stellar population synthesis; kinematic modeling
O star-forming galaxies; high-redshift galaxies; galaxy clusters; dwarf galaxies; active galactic nuclei; galactic discs
T galaxy evolution; the quenching of star formation; chemical enrichment; galaxy mergers; dark matter halo structure; feedback processes
P star formation rates; stellar masses; metallicity gradients; gas fractions; rotation curves; size evolution
@ astro-ph.GA | astro-ph.SR | 0.8
M radio interferometry; dust continuum observations; molecular line surveys; magnetohydrodynamic simulations; astrochemical models; Gaia astrometry
O molecular clouds; protostellar cores; the interstellar medium; star clusters; the Milky Way; H II regions
T star formation; turbulence in molecular clouds; cluster formation; Galactic structure; dust evolution; magnetic fields in star-forming regions
P column densities; the initial mass function; velocity dispersions; magnetic field strengths; star formation efficiency; chemical abundances
@ astro-ph.CO | astro-ph.GA gr-qc hep-ph | 1
M N-body simulations; Markov chain Monte Carlo analyses; weak lensing measurements; Boltzmann codes; emulators; Fisher forecasts
O the cosmic microwave background; large-scale structure; galaxy clusters; baryon acoustic oscillations; the 21-cm signal; Type Ia supernovae
T dark energy; the Hubble tension; cosmic inflation; primordial non-Gaussianity; neutrino masses; reionization
P cosmological parameters; the matter power spectrum; the growth rate; the Hubble constant; the amplitude of fluctuations; the optical depth
@ astro-ph.SR | astro-ph.EP astro-ph.GA | 1
M asteroseismology; spectroscopic analysis; stellar evolution models; radiative transfer modeling; high-resolution spectroscopy; time-series photometry
O red giants; massive stars; white dwarfs; binary stars; solar-type stars; the solar corona
T stellar evolution; stellar rotation; mass loss; solar flares; stellar magnetic activity; convection in stellar interiors
P stellar ages; surface abundances; oscillation frequencies; rotation periods; effective temperatures; mass-loss rates
@ astro-ph.HE | astro-ph.GA gr-qc hep-ph | 1
M multi-wavelength observations; X-ray spectroscopy; particle-in-cell simulations; general relativistic magnetohydrodynamic simulations; radiative transfer models; timing analysis
O gamma-ray bursts; active galactic nuclei; pulsars; fast radio bursts; supernova remnants; accreting black holes
T particle acceleration; relativistic jets; high-energy neutrino production; cosmic-ray propagation; accretion physics; magnetar activity
P spectral energy distributions; variability timescales; luminosity functions; polarization; light curves; emission mechanisms
@ astro-ph.EP | astro-ph.SR astro-ph.IM | 1
M transit photometry; radial velocity measurements; transmission spectroscopy; N-body integrations; planet formation models; direct imaging
O exoplanets; hot Jupiters; protoplanetary disks; debris disks; planetary atmospheres; small bodies in the Solar System
T planet formation; atmospheric characterization; orbital dynamics; habitability; planetary migration; disk evolution
P planetary radii; orbital eccentricities; atmospheric compositions; occurrence rates; mass-radius relations; dust masses
@ astro-ph.IM | astro-ph.GA astro-ph.CO physics.ins-det | 1
M data reduction pipelines; adaptive optics; machine learning classifiers; calibration techniques; instrument simulations; source extraction algorithms
O radio telescopes; large spectroscopic surveys; space missions; CCD detectors; interferometric arrays; time-domain surveys
T survey design; instrument calibration; transient detection; data processing; instrument characterization; image reconstruction
P sensitivity; photometric precision; systematic errors; processing speed; angular resolution; detection completeness
@ quant-ph | cs.ET cs.DS | 1.2
M variational quantum algorithms; quantum error-correcting codes; surface codes; quantum circuit compilation; tensor network simulations; the quantum approximate optimization algorithm; randomized benchmarking
O noisy intermediate-scale quantum devices; superconducting qubits; trapped-ion processors; logical qubits; quantum circuits; fault-tolerant architectures
T quantum advantage; fault-tolerant quantum computation; quantum error correction; quantum simulation; quantum machine learning; circuit optimization
P gate fidelity; logical error rates; circuit depth; qubit overhead; noise resilience; computational speedup
@ quant-ph | math-ph cs.IT | 1
M resource theories; semidefinite programming; quantum channel discrimination; entanglement witnesses; quantum state tomography; Bell inequalities
O multipartite entangled states; quantum channels; open quantum systems; quantum networks; continuous-variable systems; mixed states
T entanglement detection; quantum key distribution; quantum communication; nonlocality; quantum thermodynamics; decoherence
P entanglement entropy; channel capacities; secret key rates; fidelity; robustness to noise; security
@ quant-ph | physics.optics physics.atom-ph cond-mat.mes-hall | 0.8
M cavity quantum electrodynamics; squeezed light; optomechanical coupling; Ramsey interferometry; quantum non-demolition measurements; single-photon detection
O nitrogen-vacancy centers; trapped atoms; optomechanical resonators; photonic integrated circuits; quantum dots; Rydberg atoms
T quantum sensing; quantum metrology; single-photon generation; quantum memories; light-matter interaction; entanglement generation
P sensitivity; coherence times; photon indistinguishability; quantum Fisher information; the signal-to-noise ratio; coupling strength
@ cond-mat.mtrl-sci | physics.comp-ph cond-mat.mes-hall physics.chem-ph | 1
M density functional theory; first-principles calculations; machine-learned interatomic potentials; high-throughput screening; molecular dynamics simulations; X-ray diffraction
O two-dimensional materials; perovskite oxides; transition metal dichalcogenides; high-entropy alloys; battery cathodes; metal-organic frameworks
T phase stability; defect formation; ionic transport; thermal transport; magnetic anisotropy; catalytic activity
P band gaps; formation energies; elastic constants; ionic conductivity; lattice thermal conductivity; carrier mobility
@ cond-mat.str-el | cond-mat.supr-con cond-mat.mes-hall | 1
M dynamical mean-field theory; the density matrix renormalization group; quantum Monte Carlo simulations; exact diagonalization; slave-boson mean-field theory; angle-resolved photoemission spectroscopy
O Hubbard models; Kitaev materials; frustrated magnets; heavy-fermion compounds; Mott insulators; kagome metals
T quantum spin liquids; Mott transitions; non-Fermi-liquid behavior; charge density waves; magnetic ordering; fractionalization
P the spin gap; spectral functions; the magnetic susceptibility; spin correlations; the specific heat; quasiparticle weights
@ cond-mat.mes-hall | cond-mat.str-el cond-mat.mtrl-sci quant-ph | 1
M tight-binding models; non-equilibrium Green's functions; Berry phase analysis; low-energy continuum models; magnetotransport measurements; scanning tunneling spectroscopy
O twisted bilayer graphene; topological insulators; moiré superlattices; semiconductor quantum dots; Weyl semimetals; van der Waals heterostructures
T the quantum anomalous Hall effect; topological phase transitions; spin transport; correlated insulating states; valley polarization; Majorana zero modes
P Hall conductance; edge state transport; band topology; spin relaxation times; Chern numbers; tunneling conductance
@ cond-mat.stat-mech | cond-mat.soft quant-ph nlin.CD | 1
M large deviation theory; renormalization group methods; stochastic thermodynamics; kinetic Monte Carlo; hydrodynamic descriptions; exactly solvable models
O active matter; driven lattice gases; many-body localized systems; spin chains; non-equilibrium steady states; quenched systems
T non-equilibrium phase transitions; thermalization; entropy production; critical phenomena; anomalous diffusion; fluctuation relations
P critical exponents; entropy production rates; relaxation times; current fluctuations; correlation lengths; scaling functions
@ cond-mat.supr-con | cond-mat.str-el cond-mat.mtrl-sci | 1
M Eliashberg theory; muon spin rotation measurements; Bogoliubov-de Gennes calculations; scanning tunneling microscopy; penetration depth measurements; the functional renormalization group
O cuprate superconductors; iron-based superconductors; nickelates; hydride superconductors under pressure; Josephson junctions; kagome superconductors
T unconventional superconductivity; pairing symmetry; the pseudogap phase; vortex dynamics; the superconducting diode effect; pair density waves
P the critical temperature; the superconducting gap; the upper critical field; the superfluid density; the coherence length; the Josephson current
@ cond-mat.soft | cond-mat.stat-mech physics.bio-ph physics.flu-dyn | 1
M coarse-grained molecular dynamics; self-consistent field theory; rheological measurements; Brownian dynamics simulations; confocal microscopy; continuum elasticity theory
O polymer melts; colloidal suspensions; liquid crystals; hydrogels; granular materials; active nematics
T self-assembly; the glass transition; jamming; phase separation; viscoelastic response; wetting dynamics
P viscosity; relaxation dynamics; structural order; mechanical response; diffusion coefficients; yield stress
@ cond-mat.quant-gas | physics.atom-ph quant-ph cond-mat.str-el | 1
M Gross-Pitaevskii simulations; Bogoliubov theory; optical lattice experiments; Feshbach resonances; time-dependent variational methods; quantum gas microscopy
O Bose-Einstein condensates; ultracold Fermi gases; dipolar quantum gases; optical lattices; spinor condensates; Rydberg arrays
T superfluidity; quantum droplets; many-body dynamics; the BEC-BCS crossover; supersolidity; synthetic gauge fields
P the condensate fraction; excitation spectra; the sound velocity; coherence properties; the critical velocity; density profiles
@ cond-mat.dis-nn | cond-mat.stat-mech cs.LG | 1
M the replica method; the cavity method; message passing algorithms; the statistical mechanics of learning; dynamical mean-field theory; Monte Carlo sampling
O spin glasses; random networks; Hopfield networks; disordered lattices; neural network models; random constraint satisfaction problems
T glassy dynamics; Anderson localization; storage capacity; phase transitions in learning; replica symmetry breaking; high-dimensional inference
P the free energy; overlap distributions; the localization length; the generalization error; energy landscapes; critical thresholds
@ physics.optics | physics.app-ph cond-mat.mes-hall | 1
M metasurfaces; photonic crystals; finite-difference time-domain simulations; inverse design; coupled-mode theory; nanofabrication techniques
O silicon photonic waveguides; optical microresonators; plasmonic nanostructures; lithium niobate devices; optical fibers; dielectric metasurfaces
T light manipulation; frequency comb generation; beam steering; nonlinear frequency conversion; topological photonics; optical computing
P quality factors; conversion efficiency; insertion loss; bandwidth; extinction ratio; field enhancement
@ physics.optics | physics.atom-ph | 0.6
M ultrafast spectroscopy; pump-probe measurements; mode-locked lasers; high-harmonic generation; pulse shaping; coherent control
O femtosecond laser pulses; fiber lasers; semiconductor lasers; attosecond pulses; multimode fibers; solid-state gain media
T pulse compression; supercontinuum generation; laser stability; ultrafast dynamics; optical solitons; spectral broadening
P pulse duration; peak power; spectral bandwidth; beam quality; noise characteristics; timing jitter
@ physics.flu-dyn | physics.comp-ph nlin.CD | 1
M direct numerical simulations; large-eddy simulations; particle image velocimetry; lattice Boltzmann methods; linear stability analysis; reduced-order models
O turbulent boundary layers; Rayleigh-Bénard convection; multiphase flows; vortex rings; channel flows; droplets
T turbulence; flow control; transition to turbulence; heat transfer; drag reduction; turbulent mixing
P skin friction; Nusselt numbers; energy spectra; drag coefficients; Reynolds stresses; vorticity statistics
@ physics.comp-ph | cond-mat.mtrl-sci physics.chem-ph cs.DC | 1
M GPU-accelerated simulations; Monte Carlo methods; neural network potentials; particle-in-cell codes; adaptive mesh refinement; quantum chemistry methods
O many-body systems; plasmas; molecular systems; complex geometries; lattice models; electronic structures
T scientific computing; multiscale simulation; surrogate modeling; parallel performance; numerical integration; electronic structure computation
P computational speedup; accuracy; scalability; memory requirements; energy conservation; parallel efficiency
@ physics.bio-ph | cond-mat.soft q-bio.CB | 1
M single-molecule experiments; coarse-grained simulations; continuum mechanics models; fluorescence microscopy; stochastic models; optical tweezers
O cell membranes; cytoskeletal networks; motor proteins; bacterial colonies; chromatin fibers; tissues
T cell motility; force generation; gene regulation; protein folding; collective cell migration; membrane remodeling
P mechanical properties; diffusion constants; force-extension curves; energy landscapes; fluctuation spectra; relaxation times
@ physics.soc-ph | cs.SI q-bio.PE | 1
M complex network analysis; agent-based models; epidemic models; mobility data analysis; statistical physics approaches; higher-order network models
O urban systems; human mobility networks; scientific collaboration networks; financial networks; transportation systems; online social platforms
T epidemic spreading; urban scaling; opinion dynamics; the evolution of cooperation; network resilience; human mobility patterns
P the epidemic threshold; scaling exponents; network robustness; synchronization; inequality measures; cascade sizes
@ physics.chem-ph | cond-mat.mtrl-sci physics.comp-ph | 1
M ab initio molecular dynamics; coupled-cluster theory; time-dependent density functional theory; path-integral simulations; vibrational spectroscopy; machine-learned force fields
O water clusters; molecular crystals; aqueous solutions; photoactive molecules; catalytic surfaces; small molecules
T reaction dynamics; excited-state dynamics; solvation; proton transfer; nonadiabatic dynamics; vibrational relaxation
P reaction barriers; absorption spectra; binding energies; vibrational frequencies; rate constants; dipole moments
@ physics.app-ph | cond-mat.mtrl-sci physics.optics | 1
M micromagnetic simulations; device fabrication; thermal characterization; finite element modeling; electrical transport measurements; acoustic metamaterial design
O spintronic devices; thin-film transistors; acoustic metamaterials; thermoelectric materials; ferroelectric memories; perovskite solar cells
T energy harvesting; nonvolatile memory; heat management; wave control; neuromorphic devices; power conversion
P power conversion efficiency; switching energy; thermal conductance; operating stability; the figure of merit; endurance
@ physics.ins-det | hep-ex nucl-ex astro-ph.IM | 1
M Geant4 simulations; silicon pixel sensors; cryogenic calorimetry; waveform digitization; beam tests; machine learning-based reconstruction
O particle detectors; time projection chambers; scintillator arrays; superconducting sensors; photomultiplier tubes; readout electronics
T particle tracking; energy reconstruction; precision timing; background rejection; detector calibration; radiation hardness
P energy resolution; time resolution; detection efficiency; spatial resolution; noise levels; radiation tolerance
@ physics.plasm-ph | astro-ph.HE physics.comp-ph | 1
M gyrokinetic simulations; magnetohydrodynamic modeling; laser-plasma experiments; Thomson scattering; particle-in-cell simulations; reduced fluid models
O tokamak plasmas; stellarators; laser-produced plasmas; magnetized plasmas; dusty plasmas; inertial confinement fusion targets
T plasma turbulence; magnetic reconnection; energetic particle transport; plasma instabilities; wakefield acceleration; edge-localized modes
P confinement time; heat flux; growth rates; electron temperature; energy gain; transport coefficients
@ physics.atom-ph | quant-ph physics.optics hep-ph | 1
M optical atomic clocks; laser cooling; precision spectroscopy; relativistic coupled-cluster calculations; Penning trap measurements; atom interferometry
O trapped ions; highly charged ions; alkali atoms; molecular ions; optical lattice clocks; positronium
T tests of fundamental symmetries; precision measurement; searches for varying fundamental constants; atomic structure; cold collisions; quantum logic spectroscopy
P transition frequencies; fractional uncertainty; hyperfine constants; lifetimes; polarizabilities; scattering lengths
@ q-bio.NC | cs.NE cs.LG physics.bio-ph | 1
M recurrent neural network models; calcium imaging; population decoding; dynamical systems analysis; spiking network simulations; predictive coding
O cortical circuits; hippocampal place cells; neural populations; the visual cortex; brain networks; grid cells
T neural coding; working memory; sensory processing; decision making; synaptic plasticity; brain connectivity
P decoding accuracy; firing rates; neural variability; information content; synchronization; representational similarity
@ q-bio.QM | q-bio.GN cs.LG stat.AP | 1
M single-cell RNA sequencing; deep learning models; Bayesian inference; dimensionality reduction; mechanistic models; spatial transcriptomics
O gene expression data; microscopy images; cell populations; genomic sequences; protein interaction networks; clinical cohorts
T cell type identification; gene regulatory network inference; drug response prediction; biomarker discovery; cell tracking; disease progression modeling
P clustering accuracy; reproducibility; predictive power; biological interpretability; computational cost; robustness to batch effects
@ q-bio.PE | physics.soc-ph math.DS | 1
M compartmental epidemic models; phylogenetic inference; population genetics models; stochastic simulations; game-theoretic models; Bayesian phylodynamics
O viral populations; host-pathogen systems; ecological communities; bacterial populations; structured populations; vaccination programs
T epidemic dynamics; the evolution of cooperation; antibiotic resistance; species coexistence; viral evolution; vaccination strategies
P the basic reproduction number; fixation probabilities; extinction risk; growth rates; genetic diversity; outbreak sizes
@ q-bio.BM | cs.LG physics.bio-ph | 1
M protein language models; structure prediction networks; molecular dynamics simulations; diffusion models; coarse-grained models; docking algorithms
O proteins; antibodies; enzymes; RNA molecules; protein complexes; intrinsically disordered proteins
T protein structure prediction; protein design; binding site prediction; conformational dynamics; protein-protein interactions; mutation effect prediction
P structural accuracy; binding affinity; designability; thermodynamic stability; sequence recovery; conformational diversity
@ q-fin.ST | q-fin.RM stat.AP | 1
M GARCH models; high-frequency data analysis; deep learning models; realized volatility estimators; copula models; regime-switching models
O stock returns; limit order books; cryptocurrency markets; option prices; commodity futures; foreign exchange rates
T volatility forecasting; market microstructure; risk management; portfolio allocation; tail risk estimation; price impact
P forecasting accuracy; Value-at-Risk; Sharpe ratios; liquidity; volatility clustering; tail dependence
@ q-fin.MF | math.PR q-fin.CP math.OC | 1
M stochastic volatility models; backward stochastic differential equations; rough volatility models; martingale optimal transport; Malliavin calculus; stochastic control
O American options; financial markets with frictions; portfolios; interest rate models; insurance contracts; exotic derivatives
T option pricing; optimal investment; hedging; optimal execution; risk measures; arbitrage-free pricing
P pricing formulas; hedging errors; optimal strategies; existence of equilibria; robustness; convergence of numerical schemes
@ econ.EM | stat.ME stat.AP | 1
M difference-in-differences; instrumental variables; panel data models; synthetic control methods; quantile regression; double machine learning
O panel data; administrative records; household surveys; staggered treatment adoption; high-dimensional controls; macroeconomic time series
T causal effect estimation; policy evaluation; inference with many instruments; macroeconomic forecasting; heterogeneous treatment effects; identification
P identification; asymptotic validity; efficiency; robustness; coverage; bias
@ econ.GN | q-fin.EC econ.EM | 1
M field experiments; structural estimation; natural experiments; survey evidence; text analysis; general equilibrium models
O labor markets; households; firms; developing countries; housing markets; online marketplaces
T income inequality; labor market dynamics; the economics of climate change; monetary policy transmission; remote work; technology adoption
P wages; productivity; welfare effects; employment; consumption; prices
@ econ.TH | cs.GT | 1
M mechanism design; contract theory; fixed-point arguments; revealed preference analysis; information design; matching theory
O markets with frictions; principal-agent problems; voting rules; two-sided matching markets; persuasion games; coalitional games
T optimal mechanisms; stable matchings; Bayesian persuasion; social choice; strategic information transmission; equilibrium existence
P efficiency; stability; strategy-proofness; uniqueness of equilibrium; welfare; incentive compatibility
@ nlin.CD | math.DS physics.comp-ph | 1
M Lyapunov exponent analysis; recurrence quantification; reservoir computing; bifurcation analysis; Koopman operator methods; delay embedding
O coupled oscillators; chaotic maps; turbulent flows; nonlinear circuits; Hamiltonian systems; networks of neurons
T chaos synchronization; the transition to chaos; prediction of chaotic dynamics; chimera states; transient chaos; control of chaos
P Lyapunov spectra; fractal dimensions; synchronization thresholds; predictability horizons; correlation dimensions; bifurcation structure
@ nlin.PS | nlin.SI physics.optics cond-mat.quant-gas | 1
M the inverse scattering transform; the Hirota bilinear method; numerical continuation; amplitude equations; modulational instability analysis; variational approximations
O nonlinear lattices; optical fibers; reaction-diffusion systems; Bose-Einstein condensates; water waves; discrete breathers
T soliton dynamics; rogue waves; Turing patterns; pattern formation; localized structures; wave collapse
P soliton stability; interaction dynamics; pattern wavelengths; existence regions; amplitudes; propagation speeds
"""

# Sentence templates per family and role. {M} {O} {T} {P} (and {M2} ...) come
# from the paper's topic; the other slots from the family or group pools.
_TEMPLATES = """
= emp title
{AM} for {A2T}
{AT} on {MO}
Towards {AT} on {MO}
Rethinking {AM} for {A2T}
Scaling {AM} to {MO}
{AM} for {A2T}, Revisited
{AT} with {AC} {C}
{AC} {C} for {AT}
{AT} of {MO}
Can {AM} Solve {A2T}?
Adapting {AM} to {MO}
Revisiting {AP} in {A2T}
Learning {AC} {C} for {AT}
{AT} Using {A2M}
{AT} via {A2M}
{AM} for {MO}
{M} for {AT} in {DOM}
{AT} for {DOM} via {M}
{AT} from {MO}
{AP} in {MO}
{AT} for {MO}
{AT} {QUAL}: {SUB}
= emp title_acro
{ACRO}: {AM} for {T}
{ACRO}: Towards {AT} with {M}
{ACRO}: A Benchmark for {T} on {O}
{ACRO}: {AT} via {M}
{ACRO}: {M} Meets {M2}
{ACRO}: Improving {P} of {M}
{ACRO}: {AT} {QUAL}
{ACRO}: {AM} for {DOM}
{ACRO}: Learning {T} from {O}
{ACRO}: {AC} {C} for {T}
{ACRO}: Efficient {T} for {DOM}
{ACRO}: {M} for {O}
{ACRO}: Scaling {M} to {O}
{ACRO}: {AT} in {DOM}
{ACRO}: {AT}
{AT} with {ACRO}
{ACRO}: {T} with {M}
{ACRO}: {T} for {DOM}
= emp sub
A Benchmark Study
An Empirical Analysis
A Unified Perspective
Theory and Practice
A Case Study in {DOM2}
Challenges and Opportunities in {DOM2}
A Simple Baseline for {T2}
Lessons from {DOM2}
Revisiting {P2}
Beyond {P2}
The Role of {AC} {C}
A Data-Centric Perspective on {P2}
Datasets, Metrics and Baselines
Trading {P2} for {COST}
Why {M2} Is Not Enough
A Closer Look at {P2}
Evidence from {O2}
Methods, Benchmarks and Open Problems
Towards {T2} {QUAL2}
An Analysis of {P2} {QUAL2}
When Does {AC} {C} Help?
From {O2} to {DOM2}
Insights from {NUM} Benchmarks
{NUM} Lessons for {T2}
Scaling Laws and Failure Modes
A Reproducibility Study
Measuring {P2} {QUAL2}
= emp ctx
{T} is a fundamental problem in {F}, with applications ranging from {O} to {O2}.
Approaches based on {M} have recently emerged as a powerful paradigm for {T}.
Recent advances in {M} have led to remarkable progress in {T}.
{T} plays a central role in many real-world applications involving {O}.
The rapid growth of {O} has created a pressing need for {A} methods for {T}.
Learning from {O} remains a long-standing challenge in {F}.
Methods based on {M} have become the de facto standard for {T}, but their behavior on {O} is still poorly understood.
There is growing interest in applying {M} to {O}.
Many problems in {F} can be cast as instances of {T}.
= emp gap
However, existing methods for {T} often {LIM}.
Despite this progress, {P} remains a major bottleneck, particularly for {O}.
Most prior work assumes access to {REQ}, an assumption that rarely holds in practice.
A key limitation of current approaches is that they {LIM}.
Unfortunately, approaches based on {M2} {LIM}, which limits their applicability to {O}.
Moreover, little is known about how {P} trades off against {COST} in this setting.
Existing benchmarks for {T} fail to capture the diversity of {O} encountered in practice.
= emp contrib_acro
In this paper, we propose {ACRO}, {AA} framework for {T} based on {M}.
In this work, we introduce {ACRO}, which combines {M} with {M2} to address {T}.
We present {ACRO}, {AA} approach to {T} that leverages {M} to exploit the structure of {O}.
To address these challenges, we develop {ACRO}, {AA} method that casts {T} as {FORM}.
We propose {ACRO}, a simple yet effective {C} for {M} that substantially improves {P}.
= emp contrib
In this paper, we propose {AA} framework for {T} based on {M}.
In this work, we show that {M} can be combined with {M2} to address {T} in a principled way.
We present {AA} approach to {T} that leverages {M} to exploit the structure of {O}.
To address these challenges, we formulate {T} as {FORM} and solve it with {M}.
We revisit {M} from the perspective of {P} and propose {AA} {C} that addresses these limitations.
This paper studies {T} for {O} through the lens of {M}.
We conduct a systematic study of {M} for {T}, covering {NUM} model families and {NUM2} datasets.
= emp method
Our approach first encodes {O} with {M2} and then refines the resulting representations using {AA} {C}.
Specifically, we design {AA} {C} that captures dependencies among {O}.
The key idea is to decompose {T} into simpler subproblems, each of which can be solved efficiently with {M}.
We further introduce {AA} {C} that improves {P} without requiring additional supervision.
Unlike prior work, our method does not require {REQ}.
We also provide a theoretical analysis showing that {P} is preserved under mild assumptions.
In addition, we show that the resulting algorithm {XC}.
To reduce {COST}, we adopt {AA} {C} that can be computed in a single forward pass.
Our framework is modular and can be combined with existing approaches based on {M2} with minimal changes.
We construct a new benchmark of {O} with {ANN} annotations to evaluate {T} under realistic conditions.
Central to our method is {AA} {C} that adaptively balances {P} and {COST}.
We derive {AA} training objective that directly optimizes {P}.
= emp result
Extensive experiments on {NUM} benchmark datasets demonstrate that {ACRO} consistently outperforms state-of-the-art baselines in terms of {P}.
Our method improves {P} by {PCT}% while reducing {COST} by a factor of {FACT}.
On {O}, {ACRO} achieves {P} comparable to substantially larger models at a fraction of the cost.
Empirical results show consistent gains across {O} and {O2}.
Ablation studies confirm the contribution of each component to the overall {P}.
We find that {M2} is particularly effective for {T2}, whereas its benefits on {O} are limited.
Compared with strong baselines, {ACRO} reduces {COST} by {PCT}% with negligible loss in {P}.
Our analysis further reveals that {P} is strongly correlated with {P2}.
Notably, {ACRO} generalizes to {O2} without any task-specific tuning.
In a user study with {NPART} participants, our approach was preferred in {PCT2}% of cases.
Theoretically, we prove that our estimator {XC2}.
Experiments on both synthetic and real-world {O} confirm that {ACRO} {XC2}.
= emp close
Our code and data are publicly available.
These results suggest that {M} is a promising direction for {T}.
We hope that our findings will inform future research on {T}.
Code is available at {URL}.
We release our code, models and benchmark to facilitate future work.
Our findings highlight the importance of {P} when deploying {M} in practice.
= math title
On {AT} of {MO}
{AP} for {MO}
{ADJM} bounds on {T} of {MO}
A conjecture of {SUR} on {MO}
{T} of {MO} {MX}
{ADJM} {P} for {O} {MX}
{SUR}-type {P} for {MO}
The {SUR}-{SUR2} problem for {MO}
{P} of {MO}: {SUB}
{ADJM} {P} of {MO}
{T} of {MO} {QUAL}
{ADJM} counting of {MO} {QUAL}
{SUR}'s {THM} for {MO}
{AT} for {MO}
{T} of {MO} via {SUR}'s method
{AT} and {SUR}'s {THM}
{AT} {MX}
{MO} {MX}
{MO} and a question of {SUR}
{AP} of {MO}
{ADJM} estimates for {AT} of {O}
= math sub
the critical case
the non-compact case
the general case
a probabilistic approach
an approach via {M2}
beyond {M2}
sharp results {QUAL2}
old and new
the case {XCASE}
{AA} treatment
examples and counterexamples
existence and {P2}
the role of {T2}
a new proof {QUAL2}
recent progress and open problems
= math ctx
{T} of {O} has attracted considerable attention in recent years.
The study of {T} for {O} goes back to classical work of {SUR}.
A central question in {F} concerns {T} of {O}.
{O} play an important role in {F}, and understanding {T} is a fundamental problem.
Questions about {T} arise naturally in the study of {O}.
= math contrib
We study {T} of {O}.
In this paper we investigate {P} for {O} and its relation to {T}.
We prove that {T} of {O} is {XB}.
Our main result establishes {P} for all {O} satisfying {COND}.
We obtain {ADJM} bounds on {T} of {O}, improving earlier estimates of {SUR}.
We give a complete characterization of {O} exhibiting {P}.
We introduce a new framework for {T} based on {M}.
= math method
The proof relies on {M} combined with {M2}.
Our approach combines {M} with a careful analysis of {T2}.
A key ingredient is a new estimate for {T2} that may be of independent interest.
We also construct examples showing that the assumption on {O} cannot be dropped.
Along the way, we develop a version of {M2} adapted to {O2}.
In contrast to previous approaches, our argument avoids {AVOID}.
Our methods are based on {M} and a refined version of {M2}.
= math result
As an application, we establish {P} for {O2}.
In particular, this answers a question of {SUR} and {SUR2}.
In particular, we show that {T} of {O} is {XB2}.
Moreover, we characterize the {O} for which equality holds.
This extends earlier results of {SUR2} to {O2}.
We also prove that the bound is sharp {XCOND}.
Consequently, the same conclusion holds for {O2} {XCOND2}.
In the case {XCASE}, our results are new even for {O2}.
= math close
Finally, we discuss several open problems concerning {T}.
Several conjectures and open questions are also presented.
We conclude with a discussion of {T2}.
Some of our results extend to {O2}.
= phys title
{AT} in {MO}
{AP} of {MO}
Probing {AT} with {AM}
{A} study of {T} in {MO}
Observation of {AT} in {MO}
Constraints on {AT} from {MO}
{AP} via {AM}
Signatures of {AT} in {MO}
Theory of {AT} in {MO}
Evidence for {AT} in {MO}
{AP} in {MO}
Unveiling {AT} in {MO}
{AP} from {AM}
{A} analysis of {P} in {MO}
Origin of {AT} in {MO}
{AT} in the {SUR} model
{AP} of the {SUR}-{SUR2} model
{AT} in {MO}: {SUB}
= phys sub
a first-principles study
insights from {M2}
the role of {EFF}
theory and experiment
a numerical study
implications for {T2}
beyond mean-field theory
constraints from {REF}
predictions for {FUT}
a unified picture
the case of {O2}
{AC} analysis
dependence on {VAR}
= astro title
{P} of {SRC} from {M}
Discovery of {T} in {SRC}
{A} study of {P} of {SRC}
Multi-wavelength observations of {T} in {SRC}
{AT} in {SRC}
{M} of {SRC} and implications for {T}
{T} in {SRC}: {SUB}
= mat title
{T} in {MAT}
{P} of {MAT} from {M}
{A} study of {P} in {MAT}
Observation of {T} in {MAT} {QUAL}
Evidence for {T} in {MAT}
{EFF} and {T} in {MAT}
= collider title
Search for {AT} in {O} {HX}
Measurement of {AP} {HX}
{AP} of {MO} {HX}
= qubit title
{AT} on a {NQ}-qubit {DEVICE}
{AM} for {T} with {NQ} qubits
Experimental {AT} on a {NQ}-qubit {DEVICE}
= units title
{AT} {PX}
{AP} {PX}
Observation of {AT} {PX}
{AP} of {MO} {PX}
= phys ctx
{T} in {O} has attracted considerable interest in recent years.
Understanding {T} remains one of the central open problems in {F}.
{O} provide a versatile platform for exploring {T}.
The origin of {T} in {O} is still debated.
Recent experiments have revealed unexpected features of {T} in {O}.
{T} is expected to play a key role in {O}, yet its microscopic origin remains unclear.
Precise knowledge of {P} is essential for interpreting {T}.
= phys gap
However, a quantitative description of {P} in {O} is still lacking.
Previous studies have been limited by {LIMP}.
Theoretical predictions for {P} differ by up to an order of magnitude, owing to {LIMP}.
= phys contrib
Here we study {T} in {O} using {M}.
In this work, we present {AA} analysis of {P} in {O} based on {M}.
We report measurements of {P} in {O} obtained with {M}.
We develop {AA} theoretical framework for {T} that accounts for {EFF}.
We investigate the influence of {EFF} on {T} in {O}.
Using {M}, we examine how {T} emerges in {O}.
= phys method
Our calculations are based on {M} combined with {M2}.
We derive analytic expressions for {P} and compare them with results from {M2}.
Using {M}, we compute {P} as a function of {VAR}.
The model includes {EFF} and is solved self-consistently.
Our analysis is based on {DATA}.
We take into account {EFF} and {EFF2}.
Particular attention is paid to how {P2} depends on {VAR}.
= phys result
We find that {P} depends non-monotonically on {VAR}.
{P} is found to scale linearly with {VAR} over a wide range of parameters.
Our results are in good agreement with {REF}.
In particular, we obtain {XC}.
These findings shed light on {T} and have implications for {T2}.
Our analysis reveals a close connection between {P} and {T2}.
We show that {EFF} can significantly modify {P} in {O}.
We identify a regime in which {T} is strongly enhanced.
Both {P} and {P2} are well reproduced by our model.
The data yield {XC2}.
= phys close
Implications for future experiments are discussed.
We discuss the implications of our results for {T2}.
Our results provide guidance for the design of {O2} with tailored {P}.
These predictions can be tested with {FUT}.
Possible extensions to {O2} are briefly discussed.
"""

# Pools of the other slots: "family-or-group.SLOT: a; b; c".
_POOLS = """
emp.A: scalable; robust; efficient; lightweight; principled; unified; adaptive; general; interpretable; data-efficient; hierarchical; modular; training-free; provably convergent; uncertainty-aware; self-supervised; fast; accurate; simple; sparse; dynamic; structured; generalizable; fair; privacy-preserving; memory-efficient; resource-aware; compositional; causal; multi-scale; end-to-end; zero-shot; few-shot; continual; explainable; reliable; label-efficient; communication-efficient; differentiable; probabilistic; Bayesian; physics-informed; knowledge-guided; task-agnostic; context-aware; multi-task; energy-efficient; parameter-efficient; fine-grained; open-vocabulary; calibrated; certified; decentralized; online; geometry-aware; long-horizon; semi-supervised; lifelong; retrieval-augmented; sample-efficient; plug-and-play; cost-effective; trustworthy; controllable; scalable multi-agent; noise-robust; domain-adaptive; curriculum-guided; sparsity-aware; topology-aware; temporally consistent; hardware-aware; latency-aware; fairness-aware; self-improving; reward-guided; prototype-based
emp.TA: robust; scalable; efficient; adaptive; unified; sparse; dynamic; fast; simple; accurate; fair; causal; modular; general; lightweight; principled; hierarchical; interpretable; explainable; reliable; structured; continual; federated; distributed; private; secure; certified; calibrated; Bayesian; contrastive; generative; implicit; explicit; latent; online; offline; zero-shot; few-shot; multi-task; multi-scale; multimodal; cross-modal; end-to-end; self-supervised; weakly supervised; unsupervised; active; incremental; lifelong; decentralized; stochastic; provable; differentiable; probabilistic; neural; symbolic; compositional; hybrid; greedy; iterative; recursive; parallel; asynchronous; compressed; quantized; low-rank; context-aware; label-efficient; data-driven; training-free; plug-and-play; open-set; long-range; fine-grained; coarse-to-fine; geometric; spectral; task-aware; tractable; consistent; invariant; equivariant; controllable; faithful; trustworthy; personalized; collaborative; memory-light; verifiable; grounded; transferable; prompt-based; diverse; stable
emp.QUAL: under distribution shift; with noisy labels; in low-resource settings; at scale; on edge devices; with limited supervision; in the wild; without labeled data; with theoretical guarantees; in non-stationary environments; from few examples; under adversarial attacks; with missing modalities; in real time; across domains; with privacy guarantees; under resource constraints; with human feedback; from weak supervision; at inference time; without retraining; under partial observability; in open-world settings; with imbalanced data; from unlabeled data; under budget constraints; for long sequences; on commodity hardware; with provable robustness; under covariate shift; at test time; beyond accuracy; with calibrated uncertainty; across modalities; with structured priors; in safety-critical applications; with limited compute; in dynamic environments; for small datasets; with synthetic data; under label shift; in the few-shot regime; with sparse supervision; across languages; in streaming settings; with long contexts; from demonstrations; with verifiable guarantees; under communication constraints; in decentralized settings; on heterogeneous hardware; without forgetting; from multiple sources; under noisy observations; on mobile devices; in multi-agent settings; at low precision; under memory constraints
emp.DOM: medical imaging; autonomous driving; remote sensing; e-commerce; healthcare; precision agriculture; climate modeling; finance; education; legal documents; scientific literature; software engineering; smart manufacturing; power systems; wildlife monitoring; disaster response; drug safety; customer support; mental health; genomics; materials discovery; traffic management; retail; cybersecurity; robotic surgery; urban planning; sports analytics; astronomy; earth observation; low-resource languages; industrial inspection; video surveillance; smart homes; logistics; supply chains; clinical trials; radiology; digital pathology; dermatology; ophthalmology; cardiology; neuroscience; social media; news recommendation; online advertising; chemistry; energy forecasting; wind power; ocean monitoring; air quality monitoring; epidemiology; humanitarian mapping; construction sites; aerial robotics; warehouse automation; mobile health; wearable sensing; fraud detection; insurance; public transit; crop monitoring; historical archives; music; gaming; tax administration
emp.MOD: noisy; sparse; large; small; dynamic; multimodal; multilingual; unlabeled; synthetic; incomplete; evolving; streaming; imbalanced; long-tailed; temporal; relational; tabular; private; shifted; corrupted; irregular; diverse; complex; rare; unseen; ambiguous; scarce; messy; uncurated; simulated; labeled; real-world; web-scale; large-scale; low-resource; multi-view; cross-domain; open-world; distributed; heterogeneous; hierarchical; structured; sequential; compositional; adversarial; partially observed; high-resolution; low-quality; federated; decentralized; crowdsourced; weakly labeled; non-stationary; time-varying; sensitive; interconnected; out-of-domain; semi-structured; user-generated; long-form; low-light; multi-source; noisy-label; open-domain; dense; raw; biased; skewed; partial; fragmented; cluttered; unstructured; mixed; novel; public; local; global
emp.C: attention mechanism; contrastive objective; regularization term; curriculum strategy; memory module; gating mechanism; training objective; sampling strategy; data augmentation scheme; calibration procedure; routing mechanism; adapter module; loss function; consistency constraint
emp.LIM: require large amounts of labeled data; scale poorly with the size of the input; ignore the structure of the underlying data; are sensitive to the choice of hyperparameters; fail to generalize beyond the training distribution; incur a substantial computational cost; lack formal guarantees; rely on hand-crafted heuristics; suffer from high variance; struggle with long-range dependencies; degrade sharply under distribution shift
emp.REQ: large labeled datasets; clean annotations; model gradients; paired training data; a trusted validation set; unlimited computational resources; dense supervision; expert demonstrations
emp.FORM: a bilevel optimization problem; a sequential decision-making problem; a constrained optimization problem; a probabilistic inference problem; a graph matching problem; a sequence-to-sequence task; a min-max game; a ranking problem; a set prediction problem
emp.COST: inference latency; memory consumption; training time; the number of trainable parameters; communication overhead; annotation cost; energy consumption; computational cost
emp.ANN: fine-grained; expert; dense; human; multi-level; verified
emp.NUM: three; four; five; six; seven; eight; ten; twelve; fifteen
emp.NPART: 12; 16; 18; 20; 24; 30; 32; 48; 64
emp.FACT: 1.5; 1.8; 2; 2.3; 2.7; 3; 3.5; 4; 5; 6; 8; 10; 12
emp.ACROPLAIN: our method; our approach; the proposed method; the proposed framework
math.ADJM: sharp; optimal; explicit; improved; new; uniform; effective; asymptotically tight; quantitative; refined; nearly optimal; weighted; dimension-free; two-sided; non-asymptotic; tight; precise; polynomial; exponential; logarithmic; asymptotic; local; global; strong; weak; short; simple; better; almost sharp; Lipschitz; pointwise; integral; moment; spectral; uniform local; average; effective global; universal; robust
math.COND: a mild growth condition; a natural non-degeneracy assumption; suitable integrability conditions; the standard hypotheses; a minimal regularity assumption; a spectral gap condition; a mild symmetry assumption
math.AVOID: compactness arguments; any smallness assumption; heavy computations; explicit formulas; the use of the axiom of choice; case-by-case analysis; a priori estimates
math.XB: bounded above by $C \\log n$; at most $(1+o(1))\\frac{n^2}{4}$; of order $n^{3/2}$; at least $2^{\\Omega(k)}$; asymptotically equal to $\\frac{1}{2}\\log n$; finite for all $p > 2$; $O(\\sqrt{n})$; at most $k+1$; equal to $\\lfloor n/2 \\rfloor$ for $n \\geq 5$
math.XCOND: for infinitely many $n$; for $k = 3$; when $p$ is an odd prime; for all $d \\geq 2$; up to a constant factor; in dimension $n \\geq 3$; for every $\\varepsilon > 0$
math.XCASE: $n = 2$; $p = 3$; $k \\geq 4$; of dimension three; $d = 1$; $q = 2^m$
math.A: explicit; sharp; new; general; local; global; effective; uniform; quantitative; probabilistic; geometric; combinatorial; algebraic; analytic; variational; spectral; elementary; constructive; topological; arithmetic; asymptotic; stochastic; unified; refined; weighted; generalized; non-linear; discrete; dynamical; categorical; homological; microlocal; metric; ergodic; computational; optimal; fractional; multiplicative; additive; relative; equivariant; motivic; tropical; logarithmic; quantum; higher; symplectic; Lagrangian; Hamiltonian; hyperbolic; parabolic; stable; virtual; modular; sharp quantitative
math.THM: theorem; conjecture; inequality; lemma; problem; criterion; formula; principle; estimate; decomposition
phys.TA: anomalous; enhanced; suppressed; nonlinear; collective; coherent; emergent; giant; unconventional; long-range; transient; dynamical; nonreciprocal; robust; tunable; spontaneous; induced; resonant; chiral; topological; quantized; fractional; anisotropic; hidden; reentrant; persistent; ultrafast; universal; critical; nonlocal; inverse; intrinsic; extrinsic; stochastic; thermal; magnetic; hybrid; strong; weak; slow; localized; delocalized; asymmetric; periodic; chaotic; stable; unstable; metastable; correlated; gate-tunable; light-induced; field-induced; pressure-induced; strain-induced; multistable; oscillatory; nonthermal; superdiffusive; subdiffusive; incoherent; residual; spin-dependent
math.QUAL: in higher dimensions; on compact manifolds; with boundary; over finite fields; in positive characteristic; of bounded degree; with singular coefficients; in the plane; on the sphere; of small rank; of finite type; with critical growth; in low dimensions; on unbounded domains; under symmetry assumptions; under small perturbations; in the discrete setting; over number fields; in arbitrary characteristic; with variable exponents; of general type; on metric measure spaces; in the non-commutative setting; with random coefficients; at criticality; in infinite dimensions; with constraints; of large girth; with forbidden substructures; in the supercritical regime; in the subcritical regime; on the torus; on hyperbolic surfaces; over the integers; over function fields; in Banach spaces; in Hilbert spaces; on Riemannian manifolds; with rough data; with periodic boundary conditions; in exterior domains; with nonlocal interactions; of higher order; with multiplicities; on weighted spaces; in the mean-field regime; for generic parameters; beyond the classical range; revisited; in the large deviation regime; with applications; and related problems; in the critical regime; without convexity; of arbitrary rank; on Lie groups; in several variables; with bounded geometry; of low complexity; in the sparse regime
math.MOD: random; weighted; generalized; twisted; finite; compact; singular; degenerate; higher-dimensional; infinite; periodic; nonlinear; sparse; dense; symmetric; perturbed; regular; irregular; smooth; non-smooth; discrete; stochastic; fractional; anisotropic; critical; quasi-periodic; inhomogeneous; non-autonomous; multi-dimensional; balanced; bipartite-like; homogeneous; non-degenerate; rigid; stable; semistable; extremal; minimal; maximal; generic; non-commutative; quasilinear; mixed; uniform; structured; coupled; hyperbolic; elliptic-type; localized; one-dimensional; truncated; planar-like; self-similar; multi-parameter; discretized; weakly coupled; almost periodic; unimodular; locally finite; p-adic
phys.A: comprehensive; systematic; detailed; unified; self-consistent; high-precision; first-principles; comparative; microscopic; quantitative; combined; joint; precise; ab initio; numerical; analytical; experimental; theoretical; semiclassical; non-perturbative; multi-wavelength; high-resolution; long-term; model-independent; data-driven; complete; global; statistical; phenomenological; dedicated; simulation-based; minimal; effective; careful; refined; improved; novel; new; general; simple; exact; approximate; perturbative; lattice-based; fully relativistic; time-dependent; nonlinear; updated; extended; critical
phys.DEVICE: superconducting processor; trapped-ion processor; neutral-atom array; photonic chip; quantum simulator; spin-qubit device; quantum annealer; programmable quantum processor
hep.PXT: at <1-900> GeV; at <1-100> TeV; at <1-900> MeV; with <1-3000> inverse femtobarns; below <1-900> GeV; up to <1-50> TeV; near <1-900> GeV
astro.PXT: at $z = <0.1-12>$; at $z \\sim <0.1-12>$; at <0.1-300> GHz; at <10-900> MHz; within <0.1-100> kpc; at <1-900> $\\mu$m; beyond <1-900> Mpc; at <0.1-100> keV; above <0.1-100> TeV; over <2-900> days
cm.PXT: at <1-300> K; at <1-900> mK; up to <1-300> GPa; at <1-60> T; at <100-2000> nm; at <0.1-30> THz; at <1-900> meV; above <1-300> K; below <1-300> K; at <1-60> GHz
hep.QUAL: at the LHC; at future colliders; beyond the Standard Model; at next-to-leading order; at next-to-next-to-leading order; at finite density; at finite temperature; in the large-N limit; at two loops; at three loops; at four loops; in effective field theory; in the chiral limit; near threshold; at high energies; at low energies; in light of recent data; with lattice input; in minimal extensions of the Standard Model; in the early Universe; at high luminosity; in the forward region; at large transverse momentum; in the heavy-quark limit; with full NLO accuracy; in five dimensions; in three dimensions; in two dimensions; on the lattice; in the continuum limit; at strong coupling; at weak coupling; in the Regge limit; at the electroweak scale; with dimension-six operators; in holographic models; in the soft limit; at higher orders; beyond leading power; with realistic detector effects; in the narrow-width approximation; at physical quark masses; in the flavor-symmetric limit; at large N_c; near the conformal window; with massive quarks; in curved spacetime; at one loop; in the infrared; in the ultraviolet
astro.QUAL: at high redshift; in the Milky Way; in nearby galaxies; in the early Universe; across cosmic time; in the local Universe; at low metallicity; in the Galactic Centre; in the Magellanic Clouds; in dense environments; at radio wavelengths; at millimetre wavelengths; in the X-ray band; in the infrared; at optical wavelengths; with next-generation surveys; from archival data; with deep imaging; with high-resolution spectroscopy; from gravitational-wave observations; at cosmic noon; in the epoch of reionization; in the outer Galaxy; in the solar neighbourhood; from multi-wavelength observations; with time-domain photometry; in cosmological simulations; at sub-arcsecond resolution; in the strong-field regime; beyond general relativity; in modified gravity; in the inspiral phase; with polarimetric data; from a decade of monitoring; over a wide mass range; in the gamma-ray band; at low frequencies; in galaxy groups; in the halo; at the cluster outskirts; in the ultraviolet; with integral-field spectroscopy; from space-based photometry; in the post-merger phase; with pulsar timing arrays
cm.QUAL: at finite temperature; under pressure; in strong magnetic fields; out of equilibrium; at the nanoscale; in two dimensions; near criticality; under periodic driving; in the thermodynamic limit; at low temperatures; at room temperature; under uniaxial strain; in the strong-coupling regime; in the weak-coupling limit; beyond mean-field theory; from first principles; in the presence of disorder; with long-range interactions; near a quantum critical point; under optical excitation; in the ultrafast regime; at high fields; in the dilute limit; in confined geometries; in the hydrodynamic regime; at the interface; in thin films; in the clean limit; under continuous monitoring; in the presence of dissipation; across the phase transition; at high density; in the quantum regime; in the semiclassical limit; with tunable interactions; in one dimension; at the single-particle level; over broad frequency ranges; in the linear-response regime; from numerical simulations; at zero temperature; under shear; in the continuum limit; near the percolation threshold; at large scales; in three dimensions; under external fields; with open boundaries
hep.MOD: minimal; extended; non-minimal; effective; heavy; light; exotic; hidden; composite; generic; simplified; realistic; strongly coupled; weakly coupled; non-abelian; abelian; chiral; massive; massless; holographic; higher-dimensional; boosted; polarized; dark; charged; neutral; asymmetric; deformed; supersymmetric; non-supersymmetric; conformal; non-relativistic; relativistic; rotating; magnetized; hot; dense; thermal; quantum; classical; perturbed; twisted; warped; compactified; long-lived; unstable; resonant; off-shell; on-shell; flavored
astro.MOD: nearby; distant; massive; compact; young; evolved; metal-poor; metal-rich; dusty; isolated; low-mass; high-mass; X-ray-bright; radio-loud; radio-quiet; quiescent; rotating; magnetized; variable; faint; luminous; eccentric; obscured; gas-rich; gas-poor; early-type; late-type; interacting; merging; accreting; highly inclined; lensed; submillimetre-selected; infrared-bright; cool; hot; extended; unresolved; transient; peculiar; spinning; misaligned; turbulent; irradiated; dormant; active; barred; edge-on; face-on; clustered
cm.MOD: two-dimensional; three-dimensional; finite; disordered; driven; coupled; anisotropic; inhomogeneous; confined; strongly interacting; weakly interacting; nonlinear; periodically driven; dissipative; chiral; non-Hermitian; quasi-one-dimensional; layered; strained; nonequilibrium; heterogeneous; multiscale; noisy; open; interacting; non-reciprocal; tunable; hybrid; doped; frustrated; magnetic; topological; twisted; polarized; dilute; dense; rotating; trapped; moving; charged; compressible; incompressible; elastic; viscoelastic; active; passive; random; ordered; quenched; metastable; fluctuating; curved; bounded; stratified; sheared; porous; ultrathin; suspended; encapsulated; gated
phys.LIMP: finite-size effects; the lack of high-resolution data; uncertainties in the model parameters; the computational cost of first-principles calculations; poorly constrained systematic uncertainties; the neglect of interaction effects; limited statistics
hep.EFF: radiative corrections; higher-order QCD effects; finite-width effects; electroweak corrections; non-perturbative effects; threshold effects; mixing effects
astro.EFF: radiative feedback; magnetic fields; rotation; dust attenuation; relativistic effects; tidal interactions; turbulence
cm.EFF: spin-orbit coupling; electron-phonon coupling; disorder; long-range interactions; finite-temperature effects; strain; dissipation; quantum fluctuations
hep.VAR: the collision energy; the coupling strength; the mediator mass; the transverse momentum; the cutoff scale; the rapidity
astro.VAR: redshift; stellar mass; metallicity; orbital period; radius; time; luminosity
cm.VAR: temperature; magnetic field; doping; pressure; system size; interaction strength; twist angle; driving frequency
hep.REF: the latest LHC data; lattice QCD results; previous theoretical estimates; precision electroweak data; existing experimental bounds
astro.REF: recent observations; results from cosmological simulations; previous surveys; independent measurements; archival data
cm.REF: recent experimental data; previous numerical studies; available measurements; exact numerical results; spectroscopic measurements
hep.DATA: proton-proton collision data corresponding to an integrated luminosity of 139 fb$^{-1}$; a sample of $10^{9}$ simulated events; a global fit to the available data; electron-positron annihilation data collected at the $\\Upsilon(4S)$ resonance; ten years of reactor neutrino data
astro.DATA: a sample of 1,200 sources drawn from a wide-field survey; ten years of photometric monitoring; deep multi-band imaging; high-resolution spectra of 350 targets; a suite of hydrodynamical simulations
cm.DATA: high-resolution measurements down to 20 mK; a combination of transport and spectroscopic measurements; large-scale numerical simulations; extensive Monte Carlo sampling; time-resolved measurements
hep.FUT: the High-Luminosity LHC; future lepton colliders; next-generation neutrino experiments; upcoming dark matter searches
astro.FUT: next-generation surveys; upcoming space missions; the next generation of gravitational-wave detectors; future radio arrays
cm.FUT: current experimental techniques; angle-resolved photoemission; state-of-the-art quantum simulators; ultrafast spectroscopy
emp.XC: runs in $O(n \\log n)$ time; achieves a regret of $\\tilde{O}(\\sqrt{T})$; converges at a rate of $O(1/\\sqrt{k})$; requires only $O(d \\log d)$ samples; is $(\\epsilon, \\delta)$-differentially private; attains an error of $O(\\sigma \\sqrt{d/n})$; scales as $O(N^2)$ in the number of tokens; reduces the sample complexity from $O(1/\\epsilon^4)$ to $O(1/\\epsilon^2)$; needs only $O(\\sqrt{L})$ memory; recovers the ground truth with probability at least $1-\\delta$; is robust to $\\ell_\\infty$ perturbations of size $8/255$; remains stable for learning rates up to $\\eta = 10^{-2}$
hep.XC: an upper limit of $1.2 \\times 10^{-9}$ on the branching fraction at 90% confidence level; a lower bound of $m > 1.5$ TeV on the mediator mass; a local significance of $4.2\\sigma$; $\\alpha_s(m_Z) = 0.1181 \\pm 0.0011$; a ratio of $R = 0.92 \\pm 0.04$; corrections of order $\\mathcal{O}(\\alpha_s^2)$
astro.XC: a Hubble constant of $H_0 = 70.1 \\pm 1.3$ km s$^{-1}$ Mpc$^{-1}$; a black hole mass of $M_{\\rm BH} \\approx 10^{8} M_\\odot$; a characteristic redshift of $z \\sim 2$; a star formation rate of $\\sim 10 M_\\odot$ yr$^{-1}$; a photon index of $\\Gamma = 2.1 \\pm 0.2$; $\\sigma_8 = 0.81 \\pm 0.02$
cm.XC: a critical temperature of $T_c \\approx 38$ K; a gap of $\\Delta \\simeq 2.1$ meV; a critical exponent $\\nu = 0.71(2)$; a fidelity above $99.5\\%$; a coherence time of $T_2 \\approx 1.2$ ms; a quality factor of $Q \\sim 10^6$; a mobility exceeding $10^4$ cm$^2$/Vs
emp.XT: in $O(n \\log n)$ time; with $\\ell_1$ regularization; under $\\epsilon$-differential privacy; with $\\tilde{O}(\\sqrt{T})$ regret; for $k$-means clustering; beyond $O(n^2)$ attention
math.XT: for $n \\geq 3$; in $\\mathbb{R}^n$; over $\\mathbb{F}_q$; of order $p^n$; in $L^p$ spaces; with $k$ colors; on $\\mathbb{Z}^d$
hep.XT: at $\\sqrt{s} = 13$ TeV; at $\\mathcal{O}(\\alpha_s^3)$; in $\\mathcal{N}=4$ super Yang-Mills theory; with $N_f = 2+1$ flavors; in $B \\to K^* \\mu^+ \\mu^-$ decays
astro.XT: at $z > 6$; at $z \\sim 2$; in the $\\Lambda$CDM model; with $M > 10^{10} M_\\odot$; at 1.4 GHz
cm.XT: near $T_c$; at $\\nu = 1/3$; in the $J_1$-$J_2$ model; in SU($N$) systems; with $\\mathbb{Z}_2$ symmetry
"""

# Template families and LaTeX/venue groups of the category groups.
_XGROUP = {"math": "math", "tcs": "math", "hep": "hep", "astro": "astro", "cm": "cm"}
_PHYS_GROUP = {"hep": "hep", "astro": "astro", "cm": "cm"}

# Journals per journal group: name | journal-ref | DOI | volume in 2007 | volumes a year.
# The DOI pattern is empty for journals without DOIs.
_JOURNALS = """
= hep
Phys. Rev. D|{J} {V}, {A6} ({Y})|10.1103/PhysRevD.{V}.{A6}|76|1
JHEP|{J} {MM} ({Y}) {A3}|10.1007/JHEP{MM}({Y}){A3}|0|0
Phys. Lett. B|{J} {V} ({Y}) {A6}|10.1016/j.physletb.{Y}.{A6}|650|40
Eur. Phys. J. C|{J} {V} ({Y}) {P}|10.1140/epjc/s10052-{yy}-{D5}-{d}|50|4
Nucl. Phys. B|{J} {V} ({Y}) {A6}|10.1016/j.nuclphysb.{Y}.{A6}|770|30
Phys. Rev. Lett.|{J} {V}, {A6} ({Y})|10.1103/PhysRevLett.{V}.{A6}|98|2
Phys. Rev. C|{J} {V}, {A6} ({Y})|10.1103/PhysRevC.{V}.{A6}|75|1
= astro
Astrophys. J.|{J} {V} ({Y}) {P}|10.3847/1538-4357/ac{D4}|660|18
Mon. Not. Roy. Astron. Soc.|{J} {V} ({Y}) {P}-{P2}|10.1093/mnras/stab{D4}|375|15
Astron. Astrophys.|{J} {V}, A{P} ({Y})|10.1051/0004-6361/{Y}{D5}|465|15
JCAP|{J} {MM} ({Y}) {A3}|10.1088/1475-7516/{Y}/{MM}/{A3}|0|0
Phys. Rev. D|{J} {V}, {A6} ({Y})|10.1103/PhysRevD.{V}.{A6}|76|1
Class. Quantum Grav.|{J} {V} ({Y}) {A6}|10.1088/1361-6382/ac{D4}|24|1
= cm
Phys. Rev. B|{J} {V}, {A6} ({Y})|10.1103/PhysRevB.{V}.{A6}|75|2
Phys. Rev. Lett.|{J} {V}, {A6} ({Y})|10.1103/PhysRevLett.{V}.{A6}|98|2
Phys. Rev. A|{J} {V}, {A6} ({Y})|10.1103/PhysRevA.{V}.{A6}|75|2
Phys. Rev. E|{J} {V}, {A6} ({Y})|10.1103/PhysRevE.{V}.{A6}|75|2
Nat. Commun.|{J} {V}, {D4} ({Y})|10.1038/s41467-{yy}-{D5}-{d}|-2|1
New J. Phys.|{J} {V} ({Y}) {A6}|10.1088/1367-2630/{V}/{N}/{A6}|9|1
Opt. Express|{J} {V}, {D5} ({Y})|10.1364/OE.{V}.0{D5}|15|1
J. Fluid Mech.|{J} {V}, A{D2} ({Y})|10.1017/jfm.{Y}.{D3}|570|30
Appl. Phys. Lett.|{J} {V}, {A6} ({Y})|10.1063/5.00{D5}|90|2
J. Chem. Phys.|{J} {V}, {A6} ({Y})|10.1063/5.01{D5}|126|3
Nature|{J} {V}, {P}-{P2} ({Y})|10.1038/s41586-{yy}-{D5}-{d}|445|15
= math
Adv. Math.|{J} {V} ({Y}) {A6}|10.1016/j.aim.{Y}.{A6}|210|20
Trans. Amer. Math. Soc.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1090/tran/{D4}|359|10
J. Combin. Theory Ser. B|{J} {V} ({Y}) {P}-{P2}|10.1016/j.jctb.{Y}.{MM}.{D3}|97|5
Comm. Math. Phys.|{J} {V}, {P}-{P2} ({Y})|10.1007/s00220-{yy}-{D5}-{d}|270|15
Duke Math. J.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1215/00127094-{Y}-{D4}|136|5
Ann. Probab.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1214/{yy}-AOP{D4}|35|1
J. Funct. Anal.|{J} {V} ({Y}) {A6}|10.1016/j.jfa.{Y}.{A6}|244|9
SIAM J. Numer. Anal.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1137/{yy}M{D7}|45|1
Math. Program.|{J} {V}, {P}-{P2} ({Y})|10.1007/s10107-{yy}-{D5}-{d}|110|8
Electron. J. Combin.|{J} {V} ({Y}), no. {N}, Paper P{N}.{D2}|10.37236/{D5}|14|1
SIAM J. Comput.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1137/{yy}M{D7}|37|1
= ml
IEEE Trans. Pattern Anal. Mach. Intell.|{J} {V}({N}) ({Y}) {P}-{P2}|10.1109/TPAMI.{Y}.{D7}|29|1
J. Mach. Learn. Res.|{J} {V} ({Y}) 1-{D2}||8|1
Neural Networks|{J} {V} ({Y}) {A6}|10.1016/j.neunet.{Y}.{A6}|20|8
Pattern Recognit.|{J} {V} ({Y}) {A6}|10.1016/j.patcog.{Y}.{A6}|40|10
Mach. Learn.|{J} {V}, {P}-{P2} ({Y})|10.1007/s10994-{yy}-{D5}-{d}|66|5
Int. J. Comput. Vis.|{J} {V}, {P}-{P2} ({Y})|10.1007/s11263-{yy}-{D5}-{d}|71|6
Trans. Assoc. Comput. Linguist.|{J} {V} ({Y}) {P}-{P2}|10.1162/tacl_a_00{D3}|-5|1
Proc. AAAI Conf. Artif. Intell.|{J} {V} ({Y})|10.1609/aaai.v{V}i{N}.{D5}|21|1
Proceedings of ACL {Y}, pages {P}-{P2}|{J}|10.18653/v1/{Y}.acl-long.{D3}|0|0
Lecture Notes in Computer Science, vol. {D5}|{J}|10.1007/978-3-031-{D5}-{d}_{D2}|0|0
= sys
IEEE Access|{J} {V} ({Y}) {P}-{P2}|10.1109/ACCESS.{Y}.{D7}|-5|1
IEEE Trans. Signal Process.|{J} {V} ({Y}) {P}-{P2}|10.1109/TSP.{Y}.{D7}|55|1
IEEE Trans. Automat. Control|{J} {V}({N}) ({Y}) {P}-{P2}|10.1109/TAC.{Y}.{D7}|52|1
IEEE Trans. Wireless Commun.|{J} {V}({N}) ({Y}) {P}-{P2}|10.1109/TWC.{Y}.{D7}|6|1
ACM Trans. Softw. Eng. Methodol.|{J} {V}({N}) ({Y})|10.1145/{D7}|16|1
Automatica|{J} {V} ({Y}) {A6}|10.1016/j.automatica.{Y}.{A6}|43|6
Proceedings of the ACM Web Conference {Y}|{J}, pp. {P}-{P2}|10.1145/{D7}.{D7}|0|0
= stat
J. Amer. Statist. Assoc.|{J} {V} ({Y}) {P}-{P2}|10.1080/01621459.{Y}.{D7}|102|1
Biometrika|{J} {V} ({Y}) {P}-{P2}|10.1093/biomet/asa{D3}|94|1
Ann. Statist.|{J} {V} ({Y}), no. {N}, {P}-{P2}|10.1214/{yy}-AOS{D4}|35|1
J. Econometrics|{J} {V} ({Y}) {A6}|10.1016/j.jeconom.{Y}.{A6}|137|12
PLoS Comput. Biol.|{J} {V}({N}): e{D7} ({Y})|10.1371/journal.pcbi.{D7}|3|1
Bioinformatics|{J} {V} ({Y}) {P}-{P2}|10.1093/bioinformatics/bt{D3}|23|1
Quant. Finance|{J} {V} ({Y}) {P}-{P2}|10.1080/14697688.{Y}.{D7}|7|1
Proc. Natl. Acad. Sci. USA|{J} {V}, e{D7} ({Y})|10.1073/pnas.{D7}{D3}|104|1
"""
_JOURNAL_GROUP = {
    "hep": "hep",
    "astro": "astro",
    "cm": "cm",
    "math": "math",
    "tcs": "math",
    "ml": "ml",
    "cv": "ml",
    "nlp": "ml",
    "ro": "ml",
    "sys": "sys",
    "eess": "sys",
    "stat": "stat",
    "bio": "stat",
    "econ": "stat",
}
_VENUES = {
    "ml": ["NeurIPS", "ICML", "ICLR", "AAAI", "AISTATS", "UAI", "IJCAI", "KDD"],
    "cv": ["CVPR", "ICCV", "ECCV", "WACV", "BMVC", "MICCAI"],
    "nlp": ["ACL", "EMNLP", "NAACL", "COLING", "EACL"],
    "ro": ["ICRA", "IROS", "CoRL", "RSS"],
    "sys": ["CCS", "SIGIR", "WWW", "ICSE", "CHI", "VLDB", "SIGMOD", "EuroSys", "INFOCOM"],
    "eess": ["ICASSP", "Interspeech", "CDC", "ACC", "Globecom", "ICC"],
    "tcs": ["STOC", "FOCS", "SODA", "ICALP", "ITCS", "EC"],
}
# fmt: off
_REPORT_NOS = [
    "CERN-TH-{Y}-{D3}", "FERMILAB-PUB-{yy}-{D3}-T", "SLAC-PUB-{D5}", "DESY {yy}-{D3}",
    "MIT-CTP/{D4}", "KEK-TH-{D4}", "IPMU{yy}-{D4}", "YITP-{yy}-{D2}", "IFT-UAM/CSIC-{yy}-{D3}",
    "LA-UR-{yy}-{D5}", "MPP-{Y}-{D3}", "NORDITA-{Y}-{D3}", "DAMTP-{Y}-{D2}", "TTP{yy}-{D3}",
    "CP3-{yy}-{D2}",
]
# fmt: on
_LICENSES_OLD = [
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", 80),
    ("http://creativecommons.org/licenses/by/3.0/", 12),
    ("http://creativecommons.org/licenses/by-nc-sa/3.0/", 5),
    ("http://creativecommons.org/licenses/publicdomain/", 3),
]
_LICENSES_NEW = [
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", 70),
    ("http://creativecommons.org/licenses/by/4.0/", 17),
    ("http://creativecommons.org/licenses/by-nc-nd/4.0/", 4),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", 3),
    ("http://creativecommons.org/licenses/by-sa/4.0/", 2),
    ("http://creativecommons.org/publicdomain/zero/1.0/", 2),
    (None, 2),
]
# fmt: off
_COLLABORATIONS = [
    "KRONOS", "AURORA", "MERIDIAN", "HALCYON", "TESSERA", "ORPHEUS", "ZEPHYR", "BOREAS",
    "VESTA", "POLARIS",
]
# fmt: on
# fmt: off
_ACRO_HEADS = [
    "Graph", "Neuro", "Meta", "Flash", "Deep", "Hyper", "Omni", "Sparse", "Mol", "Vis", "Lang",
    "Auto", "Quant", "Fed", "Diff", "Poly", "Cross", "Dyna", "Trans", "Seq", "Mini", "Uni",
    "Multi", "Prism", "Echo", "Nova", "Tiny", "Lumen", "Cortex", "Atlas", "Geo", "Bio", "Med",
    "Chem", "Text", "Code", "Video", "Point", "Mesh", "Time", "Stream", "Edge", "Fast", "Pixel",
    "Token", "Query", "Scene", "Motion", "Pose", "Depth", "Voxel", "Spectra", "Wave", "Signal",
    "Audio", "Speech", "Chain", "Plan", "Logic", "Causal", "Fair", "Safe", "Trust", "Latent",
    "Proto", "Contra", "Open", "Zero", "Long", "Dense", "Swift", "Orbit", "Vector", "Tensor",
    "Kernel", "Hydra", "Aero", "Terra", "Neo", "Holo",
]
# fmt: on
# fmt: off
_ACRO_TAILS = [
    "Former", "Net", "GPT", "Flow", "Bench", "Mix", "Align", "Fusion", "Gen", "KV", "LM",
    "Agent", "Tune", "Bridge", "Sketch", "Prompt", "Scope", "Seg", "Det", "Rank", "Map", "Cast",
    "Guard", "Diff", "Coder", "Vision", "Bot", "Pilot", "Mind", "Lens", "Loop", "Forge", "Sense",
    "Track", "Sync", "Edit", "Match", "Search", "Mem", "Reason", "Cache", "Shift", "Prune",
    "Distill", "Verse", "Hub", "Kit", "Stack", "Nav", "Grasp", "Chat", "Voice", "Field",
    "Splat", "Graph", "Sim", "Lab", "Core", "Probe", "Fill",
]
# fmt: on
# Invented method names from syllables ("Korvanet", "MIRETA", "DeLoRA").
# fmt: off
_SYL_ONSETS = [
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "ch",
    "cl", "dr", "fr", "gl", "gr", "kl", "pl", "pr", "qu", "sk", "sl", "sp", "st", "tr", "th",
]
_SYL_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ia", "io", "ea"]
# fmt: on
_SYL_CODAS = ["", "", "", "", "n", "r", "s", "x", "l", "m", "t", "k"]
_NAME_SUFFIXES = [
    "-2",
    "-3",
    "++",
    "-XL",
    "-Lite",
    "-Zero",
    "-R1",
    "-v2",
    "-Pro",
    "-Mini",
    "-7B",
    "-S",
    "-L",
    "-Plus",
    "-X",
    "-Max",
    "-1.5",
    "-Nano",
    "-v3",
    "-2.0",
]
# A name containing one of these is drawn again.
_NAME_BLOCK = re.compile(
    "shit|fuck|fuk|cunt|nig|fag|slut|whor|rape|porn|sex|dick|cock|puss|tit|anal|ass|cum|jiz"
    "|nazi|piss|poo|butt|crap|damn|hell|kill|dead|die|sux|suc",
    re.I,
)

# Name pools: "culture | weight | first names | last names". A culture whose
# first names are "-" lists whole names written in their own script.
_NAMES = """
zh|24|Wei, Jing, Xiaoming, Yuxuan, Hao, Lei, Yang, Jun, Ming, Xin, Yi, Zhiwei, Xiaoyu, Jiahui, Tianyu, Haoran, Zihan, Yufei, Shuang, Chen, Peng, Qiang, Li, Yan, Hui, Xiao-Lin, Wei-Zhen, Zhi-Qiang, Jian, Bo, Kai, Rui, Siyuan, Mengqi, Yuhan, Junjie, Zhen, Fang, Lin, Ning, Chih-Wei, Yu-Ming|Zhang, Wang, Li, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Sun, Ma, Zhu, Hu, Guo, He, Lin, Luo, Gao, Zheng, Liang, Xie, Song, Tang, Han, Feng, Deng, Cao, Peng, Zeng, Xiao, Tian, Dong, Pan, Yuan, Cai, Jiang, Yu, Du, Ye, Cheng, Wei, Su, Lü, Ding, Shen, Chang
en|12|James, John, Robert, Michael, David, William, Richard, Thomas, Daniel, Matthew, Andrew, Christopher, Mary, Jennifer, Sarah, Emily, Jessica, Rachel, Laura, Katherine, Elizabeth, Hannah, Benjamin, Samuel, Peter, Jonathan, Alexander, Nicholas, Emma, Olivia, Brian, Tracy, Neil, Philip|Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, Thomas, Moore, Martin, Jackson, Thompson, White, Harris, Clark, Lewis, Walker, Hall, Allen, Young, King, Wright, Scott, Green, Baker, Adams, Nelson, Campbell, Mitchell, Roberts, Carter, Evans, Turner, Parker, Collins, Edwards, Stewart, Murphy, Cook, Rogers, Morgan, Cooper, Reed, Bailey, Kelly, Howard, Ward, O'Brien, McDonald, Fletcher, Hughes, Palmer
in|9|Arjun, Rahul, Priya, Ananya, Vikram, Amit, Sanjay, Deepak, Kavya, Aditya, Rohan, Sneha, Pooja, Karthik, Siddharth, Neha, Ravi, Suresh, Lakshmi, Aishwarya, Abhishek, Srinivas, Meera, Nikhil, Arnab, Debashis, Saurav|Sharma, Gupta, Patel, Singh, Kumar, Iyer, Reddy, Banerjee, Chatterjee, Mukherjee, Rao, Nair, Das, Joshi, Agarwal, Verma, Mishra, Bhattacharya, Krishnan, Menon, Pillai, Desai, Chaudhary, Ghosh, Sen, Saha, Pandey, Srivastava, Venkatesan, Subramanian, Kapoor
de|6|Jürgen, Klaus, Stefan, Andreas, Matthias, Tobias, Johannes, Katharina, Julia, Anna, Lena, Sebastian, Florian, Maximilian, Jörg, Björn, Uwe, Ulrike, Sören, Michael, Christian, Felix, Lukas, Wolfgang, Christoph, Anke|Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, Braun, Krüger, Hofmann, Hartmann, Lange, Werner, Krause, Lehmann, Köhler, Günther, Weiß, Jäger, Vogel, Groß, Böhm, Seidel, Brandt
ja|4|Hiroshi, Takashi, Yuki, Kenji, Satoshi, Naoki, Yusuke, Daisuke, Akira, Haruka, Yoko, Keiko, Kazuki, Shota, Takuya, Ryo, Koichi, Norio, Masahiro, Tomoko, Sho, Hideo, Yuichi|Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, Yoshida, Yamada, Sasaki, Yamaguchi, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Mori, Ikeda, Hashimoto, Ishikawa, Ogawa, Fujii, Okada, Maeda, Ono, Fujita
ko|4|Minjun, Seojun, Jiwoo, Jihoon, Hyunwoo, Soyeon, Jiyoung, Dohoon, Sungmin, Eunji, Hyejin, Taehyun, Youngsoo, Seungho, Jaehyun, Minseo, Sang-Hoon, Jae-Won|Kim, Lee, Park, Choi, Jung, Kang, Cho, Yoon, Jang, Lim, Han, Oh, Seo, Shin, Kwon, Hwang, Ahn, Song, Yoo, Hong, Jeon, Ko, Moon, Yang, Baek
es|5|José, María, Juan, Carlos, Javier, Alejandro, Lucía, Sofía, Diego, Pablo, Andrés, Fernando, Mónica, Raúl, Sergio, Ángel, Elena, Laura, Manuel, Jesús, Ramón, Martín, Tomás, Inés, Begoña, Alberto|García, Martínez, Rodríguez, López, González, Pérez, Sánchez, Ramírez, Torres, Flores, Rivera, Gómez, Díaz, Hernández, Muñoz, Álvarez, Romero, Ruiz, Jiménez, Moreno, Navarro, Domínguez, Vázquez, Castro, Ortega, Rubio, Marín, Sanz, Iglesias, Núñez, Cabrera, Zapata, de la Fuente, del Río
fr|4|François, Jean, Pierre, Julien, Nicolas, Mathieu, Sébastien, Céline, Hélène, Aurélie, Camille, Élise, Guillaume, Benoît, Jérôme, Stéphane, Amélie, Clément, Antoine, Marie, Léa, Théo, Jean-Noël|Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, Laurent, Lefèvre, Michel, Garnier, Faure, Rousseau, Blanc, Guérin, Boyer, Chevalier, Lemaire, Gaillard, Béranger, Fontaine, Girard, Mercier, Dupont, Renaud, d'Almeida
it|4|Giuseppe, Marco, Luca, Francesca, Giulia, Alessandro, Andrea, Matteo, Lorenzo, Chiara, Federica, Stefano, Davide, Niccolò, Paolo, Silvia, Simone, Riccardo, Elisa, Gabriele|Rossi, Russo, Ferrari, Esposito, Bianchi, Romano, Colombo, Ricci, Marino, Greco, Bruno, Gallo, Conti, De Luca, Mancini, Costa, Giordano, Rizzo, Lombardi, Moretti, Barbieri, Fontana, Santoro, Mariani, Rinaldi, Caruso, Ferrara, Galli, Martini, Leone
ru|4|Dmitry, Sergei, Alexander, Andrei, Mikhail, Ivan, Nikolai, Vladimir, Alexey, Anastasia, Ekaterina, Olga, Natalia, Tatiana, Maria, Yuri, Pavel, Igor, Elena, Irina, Vladislav, Konstantin|Ivanov, Smirnov, Kuznetsov, Popov, Vasiliev, Petrov, Sokolov, Mikhailov, Novikov, Fedorov, Morozov, Volkov, Alekseev, Lebedev, Semenov, Egorov, Pavlov, Kozlov, Stepanov, Nikolaev, Orlov, Andreev, Makarov, Zakharov, Ovchinnikov, Belov, Kovalenko, Shevchenko
fa|4|Mohammad, Ali, Reza, Hossein, Fatemeh, Zahra, Maryam, Amir, Mehdi, Ahmed, Omar, Fatima, Yasmin, Karim, Hassan, Mahmoud, Layla, Samir, Nour, Sara, Hamid, Saeed, Tarek|Hosseini, Ahmadi, Mohammadi, Rahimi, Karimi, Moradi, Rezaei, Jafari, Hashemi, Ghorbani, Khan, Haddad, Mansour, Abdullah, Hassan, Ibrahim, Saleh, Nasser, Khalil, Farahani, Sadeghi, Tehrani, Abu-Zeid, El-Sayed, Al-Masri
pl|2|Łukasz, Wojciech, Małgorzata, Agnieszka, Piotr, Tomasz, Krzysztof, Katarzyna, Paweł, Michał, Jiří, Jan, Petr, Tomáš, Zdeněk, Lucie, Kateřina, Ondřej|Kowalski, Nowak, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, Szymański, Woźniak, Dąbrowski, Kozłowski, Novák, Svoboda, Dvořák, Černý, Procházka, Kučera, Veselý, Horák
nordic|2|Søren, Lars, Anders, Erik, Magnus, Johan, Åsa, Ingrid, Karin, Sigrid, Henrik, Mikael, Jørgen, Kristian, Astrid, Bjørn, Mette, Sven, Gustav, Linnéa|Jensen, Nielsen, Hansen, Andersen, Pedersen, Larsen, Johansson, Karlsson, Nilsson, Eriksson, Lindqvist, Gustavsson, Berg, Lindström, Ødegård, Haugen, Bakke, Sørensen, Jørgensen, Åberg, Holm, Virtanen, Mäkinen, Korhonen
pt|3|João, José, Ana, Pedro, Luís, Gonçalo, Mariana, Beatriz, Rafael, Thiago, Luana, Gabriel, Felipe, Marcos, Fernanda, Vinícius, Letícia, Rodrigo|Silva, Santos, Oliveira, Souza, Pereira, Costa, Ferreira, Rodrigues, Almeida, Carvalho, Gomes, Ribeiro, Martins, Araújo, Gonçalves, Conceição, Simões, Barbosa, Cardoso, Lima, Fernandes, Magalhães, Assunção
tr|2|Mehmet, Mustafa, Ahmet, Ayşe, Fatma, Emre, Burak, Çağrı, Gökhan, Elif, Zeynep, Oğuz, Serkan, Özge, Cem, Deniz, İbrahim, Tuğba|Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Yıldırım, Öztürk, Aydın, Özdemir, Arslan, Doğan, Kılıç, Aslan, Çetin, Kara, Koç, Kurt, Özkan, Şimşek
nl|2|Jan, Pieter, Maarten, Sander, Joost, Bram, Sanne, Lotte, Thijs, Wouter, Femke, Koen, Geert, Ruben, Eline|de Vries, van den Berg, Jansen, van Dijk, Bakker, Visser, Smit, Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, Brouwer, de Wit, Dijkstra, Verhoeven, Claes, Peeters, Maes
el|1|Nikolaos, Georgios, Konstantinos, Dimitrios, Ioannis, Maria, Eleni, Katerina, Sofia, Panagiotis, Christos, Vasileios, Athanasios|Papadopoulos, Georgiou, Dimitriou, Nikolaou, Konstantinou, Papageorgiou, Vlachos, Karagiannis, Oikonomou, Pappas, Antoniou, Christodoulou
hu|1.5|Bálint, Zoltán, László, Gábor, Péter, Eszter, Katalin, Ádám, Dániel, Ioana, Andrei, Mihai, Ștefan, Cristina, Radu, Ilinca|Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Nagy, Molnár, Balázs, Farkas, Popescu, Ionescu, Dumitrescu, Stan, Constantinescu, Frenkel, Mureșan
vi|1.5|Minh, Anh, Huy, Linh, Tuấn, Thảo, Quang, Dũng, Hương, Trung, Phương, Hoàng, Thanh, Duc, Long|Nguyen, Tran, Le, Pham, Hoang, Phan, Vu, Dang, Bui, Do, Ho, Ngo, Duong, Ly, Nguyễn, Trần, Phạm
af|1.5|Chidi, Ngozi, Oluwaseun, Adebayo, Kwame, Ama, Kofi, Thabo, Sipho, Lwazi, Amara, Seydou, Tendai, Fatou, Abebe, Tsegaye, Wanjiru, Emeka, Chiamaka|Okafor, Adeyemi, Okonkwo, Mensah, Boateng, Nkosi, Dlamini, Moyo, Diallo, Traoré, Dembélé, Kamau, Otieno, Mwangi, Tesfaye, Bekele, Eze, Adeleke, Ndlovu, Asante
he|1|Noam, Yonatan, Itai, Omer, Tal, Shira, Yael, Michal, Amit, Eitan, Avi, Nir, Roei, Dana, Uri|Cohen, Levi, Mizrahi, Peretz, Biton, Friedman, Katz, Shapiro, Ben-David, Goldberg, Rosen, Segal, Avraham, Weiss, Shalev
cyrl|0.4|Дмитрий, Сергей, Александр, Андрей, Михаил, Иван, Николай, Алексей, Павел, Юрий|Иванов, Петров, Смирнов, Кузнецов, Соколов, Попов, Лебедев, Новиков, Морозов, Волков
grek|0.2|Νικόλαος, Γεώργιος, Κωνσταντίνος, Δημήτριος, Ιωάννης|Παπαδόπουλος, Γεωργίου, Νικολάου, Οικονόμου, Παππάς
cjk|0.4|-|王伟, 李娜, 张敏, 刘洋, 陈静, 杨帆, 黄磊, 赵强, 周杰, 吴芳, 田中裕子, 山田太郎, 佐藤健, 鈴木一郎, 김민준, 이서연, 박지훈, 최유진, 정하늘
"""

# How authors wrote accented letters in TeX (the "authors" string keeps them
# so on some papers, as arXiv's does; authors_parsed always has Unicode).
# fmt: off
_TEX_ACCENTS = {
    "á": "\\'a", "é": "\\'e", "í": "\\'i", "ó": "\\'o", "ú": "\\'u", "ý": "\\'y",
    "Á": "\\'A", "É": "\\'E", "Í": "\\'I", "Ó": "\\'O", "Ú": "\\'U",
    "à": "\\`a", "è": "\\`e", "ò": "\\`o", "ù": "\\`u",
    "ä": '\\"a', "ë": '\\"e', "ï": '\\"i', "ö": '\\"o', "ü": '\\"u',
    "Ä": '\\"A', "Ö": '\\"O', "Ü": '\\"U',
    "â": "\\^a", "ê": "\\^e", "î": "\\^i", "ô": "\\^o", "û": "\\^u",
    "ã": "\\~a", "õ": "\\~o", "ñ": "\\~n",
    "ç": "\\c{c}", "Ç": "\\c{C}", "ş": "\\c{s}", "Ş": "\\c{S}",
    "ğ": "\\u{g}", "ı": "{\\i}", "İ": "\\.I", "ż": "\\.z",
    "ł": "\\l{}", "Ł": "\\L{}", "ø": "{\\o}", "Ø": "{\\O}", "å": "\\aa{}", "Å": "\\AA{}",
    "ß": "{\\ss}", "ś": "\\'s", "ń": "\\'n", "ć": "\\'c", "ę": "\\k{e}", "ą": "\\k{a}",
    "č": "\\v{c}", "Č": "\\v{C}", "ř": "\\v{r}", "š": "\\v{s}", "ž": "\\v{z}", "ě": "\\v{e}",
    "Š": "\\v{S}", "Ž": "\\v{Z}", "ů": "\\r{u}", "ő": "\\H{o}", "Ș": "\\c{S}", "ș": "\\c{s}",
}
# fmt: on

# Parameters of math titles ("of genus 3"): a phrase, "#" standing for a value.
_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]
_MATH_PARAMETERS = [
    ("in dimension #", range(2, 13)),
    ("of degree #", range(2, 21)),
    ("of genus #", range(0, 11)),
    ("modulo #", _PRIMES),
    ("of rank #", range(1, 9)),
    ("of index #", range(2, 13)),
    ("with # colours", range(2, 11)),
    ("of order #", range(2, 65)),
    ("with # generators", range(2, 9)),
    ("of codimension #", range(1, 6)),
    ("of girth at least #", range(4, 13)),
    ("for $p \\geq #$", _PRIMES[:8]),
    ("in $\\mathbb{R}^#$", range(2, 10)),
    ("for $k = #$", range(2, 11)),
    ("over $\\mathbb{F}_{#}$", [2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 25, 27, 32, 49, 64]),
    ("for $n \\geq #$", range(2, 41)),
    ("for $1 < p < #$", range(2, 9)),
    ("in $L^#$", range(1, 9)),
    ("on $\\mathbb{Z}^#$", range(2, 9)),
]

# Compounds in condensed-matter titles: element pools by site, formulas as
# (site, count) pairs, and what a compound is called.
# fmt: off
_ELEMENTS = {
    "A": ["Li", "Na", "K", "Rb", "Cs", "Ca", "Sr", "Ba", "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd",
          "Tb", "Dy", "Y", "Yb", "Lu"],
    "B": ["Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Nb", "Mo", "Ru", "Rh", "Pd", "Ir",
          "Pt", "Ta", "W", "Os", "Re"],
    "X": ["O", "S", "Se", "Te", "O", "O", "S", "Se"],
    "Y": ["Ge", "Sn", "Si", "Ga", "Al", "In", "Sb", "Bi", "As", "P"],
}
# fmt: on
_FORMULAS = [
    (("A", 1), ("B", 1), ("X", 3)),
    (("B", 1), ("X", 2)),
    (("A", 1), ("B", 2), ("Y", 2)),
    (("B", 3), ("Y", 1), ("X", 2)),
    (("A", 1), ("B", 3), ("Y", 5)),
    (("A", 2), ("B", 2), ("X", 7)),
    (("B", 1), ("Y", 1), ("X", 1)),
    (("B", 2), ("X", 3)),
    (("A", 2), ("B", 1), ("X", 4)),
    (("A", 1), ("B", 6), ("Y", 6)),
    (("B", 1), ("Y", 2), ("X", 4)),
]
_MATERIAL_KINDS = [
    "the kagome metal", "the van der Waals magnet", "the layered antiferromagnet",
    "the topological semimetal", "the heavy-fermion compound", "the frustrated magnet",
    "the Weyl semimetal", "the spinel", "the perovskite", "the nickelate", "the Mott insulator",
    "the ferroelectric", "the altermagnet", "the superconductor", "monolayer", "thin films of",
    "single crystals of", "the half-Heusler compound", "the pyrochlore", "few-layer",
    "the quasi-one-dimensional compound", "the ferromagnet", "the charge-density-wave compound",
]  # fmt: skip
