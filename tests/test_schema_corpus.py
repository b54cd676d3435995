# ruff: noqa: E501
"""Zero false positives on real configs: every schema finding (CFG002, CFG003, CFG005,
CFG701) on the corpus must be listed here with the reason it is a real defect, and every
listed finding must still fire. One list per family; an entry is
(corpus path, code, key path, reason)."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from corpus import corpus_files, require_corpus

from cfglint.families import detect_family
from cfglint.findings import Finding
from cfglint.resources import schemas_dir
from cfglint.schema import schema_findings
from cfglint.source.read import read_path

Reviewed = tuple[str, str, str, str]

# ai-toolkit
_AITK_STUDIO = 'ai-toolkit/BadAtCaptchas__AITK-Studio/config/examples/'
_AITK_MODEL_TE = ("under model:, where upstream's ModelConfig (toolkit/config_modules.py) does "
                  'not read it (TrainConfig reads train.train_text_encoder); the fork may')
_DOCTOR_TE = ("the fork's text-encoder overrides: upstream's ModelConfig "
              '(toolkit/config_modules.py) reads none of them; the fork\'s code is not in the '
              'corpus')
_DOCTOR_FLUX = (
    'clip_attention_dropout clip_bos_token_id clip_dropout clip_eos_token_id clip_hidden_act '
    'clip_hidden_size clip_initializer_factor clip_initializer_range clip_intermediate_size '
    'clip_layer_norm_eps clip_max_length clip_num_attention_heads clip_num_hidden_layers '
    'clip_pad_token_id clip_projection_dim clip_vocab_size t5_classifier_dropout t5_d_ff t5_d_kv '
    't5_d_model t5_decoder_start_token_id t5_dense_act_fn t5_dropout_rate t5_eos_token_id '
    't5_feed_forward_proj t5_initializer_factor t5_is_encoder_decoder t5_is_gated_act '
    't5_layer_norm_epsilon t5_max_length t5_num_decoder_layers t5_num_heads t5_num_layers '
    't5_output_past t5_pad_token_id t5_relative_attention_max_distance '
    't5_relative_attention_num_buckets t5_tie_word_embeddings t5_use_cache t5_vocab_size')
_DOCTOR_SD35 = (
    'clip1_eos_token_id clip1_hidden_act clip1_hidden_size clip1_intermediate_size '
    'clip1_num_heads clip1_num_layers clip1_projection_dim clip2_eos_token_id clip2_hidden_act '
    'clip2_hidden_size clip2_intermediate_size clip2_num_attention_heads clip2_num_hidden_layers '
    'clip2_projection_dim clip_initializer_factor clip_initializer_range clip_layer_norm_eps '
    'clip_max_length clip_pad_token_id clip_vocab_size t5_d_ff t5_d_kv t5_d_model '
    't5_decoder_start_token_id t5_dense_act_fn t5_eos_token_id t5_layer_norm_epsilon '
    't5_max_length t5_num_decoder_layers t5_num_heads t5_num_layers '
    't5_relative_attention_max_distance t5_relative_attention_num_buckets t5_ropout_rate '
    't5_vocab_size')
AI_TOOLKIT: list[Reviewed] = [
    ('ai-toolkit/ostris__ai-toolkit/extensions/example/config/config.example.yaml',
     'CFG701', 'config.process[0].dtype',
     'the example extension reads `save_dtype`; `dtype` is dead in its shipped example'),
    ('ai-toolkit/ostris__ai-toolkit@pr-331/config/examples/train_lora_flux_kontext_16gb.yaml',
     'CFG701', 'config.process[0].train.latent_fixed_size',
     'PR-only feature: HEAD does not read train.latent_fixed_size'),
    ('ai-toolkit/ostris__ai-toolkit@pr-392/config/examples/train_lora_flux_24gb_with_oxen.yaml',
     'CFG701', 'config.process[0].oxen',
     'PR-only `oxen` section: no code in the snapshot reads it'),
    ('ai-toolkit/ostris__ai-toolkit@pr-392/config/examples/train_lora_qwen_image_edit_h100_oxen.yaml',
     'CFG701', 'config.process[0].oxen',
     'PR-only `oxen` section: no code in the snapshot reads it'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/temp_examples_qwen_edit_plus/qwen_image_edit_plus_2controls.yaml',
     'CFG701', 'config.process[0].datasets[0].control_path2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/temp_examples_qwen_edit_plus/qwen_image_edit_plus_2controls.yaml',
     'CFG701', 'config.process[0].datasets[0].keep_native_size',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/temp_examples_qwen_edit_plus/qwen_image_edit_plus_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[0].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/temp_examples_qwen_edit_plus/qwen_image_edit_plus_2controls.yaml',
     'CFG701', 'config.process[0].sqlite_db_path',
     'only ui_trainer/diffusion_trainer read sqlite_db_path; this process is another type'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].datasets[0].control_path2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[0].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[1].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[2].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[3].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[4].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[6].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[8].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[9].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-432/config/examples/train_lora_qwen_image_edit_plus2509_32gb_2controls.yaml',
     'CFG701', 'config.process[0].sample.samples[10].ctrl_img2',
     'PR-only key, not read at HEAD (which spells control_path_2 / ctrl_img_2)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-489/config_examples/i2v_lora_alpha_scheduling.yaml',
     'CFG701', 'config.process[0].network.alpha_schedule',
     'PR-only feature keys (alpha_schedule, max_pixels_per_frame) not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-489/config_examples/i2v_lora_alpha_scheduling.yaml',
     'CFG701', 'config.process[0].datasets[0].max_pixels_per_frame',
     'PR-only feature keys (alpha_schedule, max_pixels_per_frame) not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].train.auto_scale_batch_size',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].train.min_batch_size',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].train.max_batch_size',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].train.batch_size_warmup_steps',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].optimizer',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'config.process[0].lr',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'datasets',
     'top-level section outside `config`: never read'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_batch_size_tuning.yaml',
     'CFG701', 'train',
     'top-level section outside `config`: never read'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_gpu_prefetching.yaml',
     'CFG701', 'config.process[0].datasets[0].persistent_workers',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_gpu_prefetching.yaml',
     'CFG701', 'config.process[0].datasets[0].gpu_prefetch_batches',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_gpu_prefetching.yaml',
     'CFG701', 'config.process[0].optimizer',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_gpu_prefetching.yaml',
     'CFG701', 'config.process[0].lr',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_gpu_prefetching.yaml',
     'CFG701', 'datasets',
     'top-level section outside `config`: never read'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_persistent_workers.yaml',
     'CFG701', 'config.process[0].datasets[0].persistent_workers',
     'PR-only batch-size/prefetch feature keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_persistent_workers.yaml',
     'CFG701', 'config.process[0].optimizer',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-511/example_persistent_workers.yaml',
     'CFG701', 'config.process[0].lr',
     'belongs under `train`: the run silently uses lr 1e-6 and adamw'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].datasets[0].caption_data',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.precision',
     'training stays fp32: the key is train.dtype'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.mixed_precision',
     'training stays fp32: the key is train.dtype'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].model.model_path',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].model.attn_slicing',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].memory',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_flux_apple_silicon.yaml',
     'CFG701', 'config.process[0].validation',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].model.attention_slice_size',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].model.vae_slicing',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].datasets[0].caption_data',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.precision',
     'training stays fp32: the key is train.dtype'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.mixed_precision',
     'training stays fp32: the key is train.dtype'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.guidance_scale',
     'belongs under `sample`, ignored under `train`'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].train.sample_steps',
     'belongs under `sample`, ignored under `train`'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].validation',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].memory',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-547/config/examples/train_lora_zimage_turbo_apple_silicon.yaml',
     'CFG701', 'config.process[0].advanced',
     'not read anywhere in ai-toolkit (Apple-silicon PR keys)'),
    ('ai-toolkit/ostris__ai-toolkit@pr-608/config/examples/train_lora_flux_low_ram.yaml',
     'CFG701', 'config.process[0].model.sequential_load',
     'PR-only feature: HEAD does not read model.sequential_load'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.use_mlflow',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.mlflow_tracking_uri',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.mlflow_experiment_name',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.mlflow_log_artifacts',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.mlflow_register_model',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-765/config/examples/train_lora_flux_24gb_mlflow.yaml',
     'CFG701', 'config.process[0].logging.mlflow_registered_model_name',
     'PR-only MLflow logging keys not read at HEAD'),
    ('ai-toolkit/ostris__ai-toolkit@pr-941/config/examples/train_lora_flux_24gb.yaml',
     'CFG701', 'config.process[0].datasets[0].shuffle_caption',
     "PR 941's UI writes shuffle_caption; DatasetConfig reads shuffle_tokens"),
    *[(f'{_AITK_STUDIO}{name}', 'CFG701', f'config.process[0].{key}', why)
      for name, key, why in [
        ('train_full_fine_tune_ideogram4.yaml', 'model.train_text_encoder', _AITK_MODEL_TE),
        ('train_lora_ideogram4_48gb.yaml', 'model.train_text_encoder', _AITK_MODEL_TE),
        ('train_lora_ideogram4_nvfp4_48gb.yaml', 'model.train_text_encoder', _AITK_MODEL_TE),
        ('train_lora_boogu_image_edit_24gb.yaml', 'sample.samples[1].multi_ctrl_imgs',
         "fork-only sample key: upstream's SampleItem (toolkit/config_modules.py) reads "
         'ctrl_img and ctrl_img_1..3, never multi_ctrl_imgs'),
        *[('train_lora_glm_image_auto_24gb.yaml', f'train.{k}',
           "the fork's auto-train phases: upstream's TrainConfig (toolkit/config_modules.py) "
           'reads no such key') for k in ('auto_train', 'phases', 'save_on_phase_change')],
        *[('train_lora_hidream_o1_48gb.yaml', f'logging.{k}',
           "the fork's monitors: upstream's LoggingConfig (toolkit/config_modules.py) reads "
           'log_every, verbose, use_wandb, use_ui_logger, project_name, run_name only')
          for k in ('monitor_every', 'monitor_gpu_stats', 'monitor_grad_stats',
                    'monitor_tensor_stats')],
    ]],
    *[('ai-toolkit/Blutusz__ai-toolkit_loss/config/examples/train_lora_flux_24gb.yaml',
       'CFG701', f'config.process[0].{k}',
       "fork-only process key: no get_conf call at upstream's HEAD reads it (the fork's own "
       'code is not in the corpus)') for k in ('stable_eval', 'validation_datasets')],
    *[(f'ai-toolkit/DoctorDiffusion__ai-toolkit/config/examples/{name}', 'CFG701',
       f'config.process[0].model.{k}', _DOCTOR_TE)
      for name, keys in [('train_lora_flux_24gb.yaml', _DOCTOR_FLUX),
                         ('train_lora_sd35_large_24gb.yaml', _DOCTOR_SD35)]
      for k in keys.split()],
]

# kohya
_GUI_WRITTEN = ("the kohya_ss GUI writes it into the sd-scripts TOML it generates "
                "(kohya_ss:kohya_gui/lora_gui.py); sd-scripts has no such option, so it is "
                "never read")
_HINABLUE = 'kohya/hinablue__sd-scripts/datasets/example_flux_config.toml'
_SELF_DISTILL = 'kohya/maruo555__sd-scripts@codex_sdxl-self-distill-v1/configs/self_distill/vram16.toml'
KOHYA: list[Reviewed] = [
    ('kohya/kohya-ss__sd-scripts@pr-1397/lora.toml',
     'CFG701', 'epoch',
     "kohya_ss GUI key; sd-scripts' option is max_train_epochs"),
    ('kohya/kohya-ss__sd-scripts@pr-1397/lora.toml',
     'CFG701', 'noise_offset_type',
     'kohya_ss GUI key; sd-scripts has no such option'),
    *[(path, 'CFG701', key, _GUI_WRITTEN)
      for path in ('kohya/AlvaroBadiaAlcaraz__kohya_ss/config_lora/config_lora.toml',
                   _HINABLUE)
      for key in ('epoch', 'noise_offset_type')],
    (_HINABLUE, 'CFG003', 'log_with',
     "'' reaches accelerate unchanged (prepare_accelerator in library/train_util.py), whose "
     'filter_trackers raises ValueError (huggingface/accelerate:src/accelerate/tracking.py)'),
    (_HINABLUE, 'CFG003', 'optimizer_type',
     "the fork's own optimizer: upstream get_optimizer (library/train_util.py) falls back to "
     "getattr(torch.optim, 'Automagic_Sinkgd'), an AttributeError; the fork's code is not in "
     'the corpus'),
    *[(f'kohya/awslabs__stable-diffusion-aws-extension/middleware_api/common/template/{name}',
       'CFG701', 'training.lr_restart_cycles',
       'no sd-scripts option (lr_scheduler_num_cycles is): flattened into the namespace and '
       'never read') for name in ('kohya_config_cloud.toml', 'kohya_config_cloud_xl.toml')],
    *[(f'kohya/FHfanshu__sd-scripts-anima/configs/{name}', 'CFG701', key,
       "the fork's own Anima option: upstream anima_train_network reads --qwen3 and "
       '--t5_tokenizer_path (library/anima_train_utils.py) and ignores this key')
      for name, keys in [('examples/anima_quickstart_train_args.toml',
                          ('anima_transformer', 'qwen', 't5_tokenizer_dir')),
                         ('smoke/anima_10steps_train_args.toml',
                          ('anima_transformer', 'qwen', 't5_tokenizer_dir', 'anima_seq_len',
                           'anima_noise_offset'))]
      for key in keys],
    *[(_SELF_DISTILL, 'CFG701', key,
       "an option of the fork's self-distillation script: no sd-scripts script reads it; the "
       "fork's code is not in the corpus")
      for key in ('attention_backend', 'num_target_timesteps', 'optimizer_preset',
                  'timestep_sampling_mode')],
    (_SELF_DISTILL, 'CFG002', 'resolution',
     "the integer 640: every upstream script's prepare_dataset_args calls "
     "args.resolution.split(',') (library/train_util.py), an AttributeError; the fork's "
     'self-distillation script it was written for is not in the corpus'),
]

# kohya-dataset
KOHYA_DATASET: list[Reviewed] = [
    ('kohya/kohya-ss__sd-scripts/docs/flux_train_network.md.block02.toml',
     'CFG701', 'validation_seed',
     'top-level key outside [general]: sd-scripts rejects the file'),
    ('kohya/kohya-ss__sd-scripts/docs/flux_train_network.md.block02.toml',
     'CFG701', 'enable_bucket',
     'top-level key outside [general]: sd-scripts rejects the file'),
    ('kohya/kohya-ss__sd-scripts/docs/flux_train_network.md.block02.toml',
     'CFG701', 'resolution',
     'top-level key outside [general]: sd-scripts rejects the file'),
    ('kohya/kohya-ss__sd-scripts/docs/flux_train_network.md.block03.toml',
     'CFG701', 'datasets[0].interpolation_type',
     'not a dataset key (resize_interpolation is): rejected'),
    ('kohya/kohya-ss__sd-scripts/docs/masked_loss_README.md.block01.toml',
     'CFG002', 'datasets',
     'doc fragment starting at [[datasets.subsets]]: `datasets` is a table, not a list'),
    ('kohya/kohya-ss__sd-scripts/docs/train_lllite_README.md.block01.toml',
     'CFG002', 'datasets',
     'doc fragment starting at [[datasets.subsets]]: `datasets` is a table, not a list'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block01.toml',
     'CFG701', 'datasets[0].subsets[1].validation_split',
     'validation_split is dataset-level only; rejected in a subset'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block02.toml',
     'CFG701', 'datasets[0].subsets[0].validation_split',
     'top-level key outside [general]: sd-scripts rejects the file'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block03.toml',
     'CFG701', 'datasets[0].subsets[1].validation_split',
     'validation_split is dataset-level only; rejected in a subset'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block04.toml',
     'CFG701', 'datasets[0].subsets[0].validation_split',
     'validation_split is dataset-level only; rejected in a subset'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block05.toml',
     'CFG002', 'datasets[0].resolution',
     'dataset resolution must be an int or [int, int], not a string'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block05.toml',
     'CFG701', 'datasets[0].subsets[1].validation_split',
     'validation_split is dataset-level only; rejected in a subset'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block06.toml',
     'CFG002', 'datasets[0].resolution',
     'dataset resolution must be an int or [int, int], not a string'),
    ('kohya/kohya-ss__sd-scripts/docs/validation.md.block06.toml',
     'CFG701', 'datasets[0].subsets[1].validation_split',
     'validation_split is dataset-level only; rejected in a subset'),
    *[(f'kohya/japanenjoyer__kohya_ss/{name}.toml', 'CFG701', key,
       'a training table in a dataset config: the voluptuous schema (library/config_util.py) '
       'rejects extra keys; as --config_file the [[datasets]] would be ignored instead')
      for name in ('train_lora_config', 'train_rinni_fixed', 'train_rinni_lora_config',
                   'train_rinni_simple')
      for key in ('network_args', 'optimizer_args', 'sample_args', 'saving_args',
                  'training_args')
      if (name, key) != ('train_rinni_simple', 'sample_args')],
    *[(path, 'CFG701', 'datasets[0].subsets[0].resolution',
       'resolution is a dataset key; the subset schema (library/config_util.py) rejects it')
      for path in ('kohya/japanenjoyer__kohya_ss/train_rinni_lora_config.toml',
                   'kohya/kjfsoul__sd-scripts/training/fooldeck-lora/dataset_config.toml')],
]

# kohya-gui
KOHYA_GUI: list[Reviewed] = [
    *[(f'kohya/Albeforia__kohya_ss@aurobit-test/presets/lora/user_presets/{name}', 'CFG701',
       'stop_text_encoder_training_pct',
       'a user preset for the LoRA GUI, which dropped the key in v25 (only '
       'kohya_gui/textual_inversion_gui.py maps it): ignored on load')
      for name in ('lora_config_bra_male.json', 'lora_config_bra_v0.json')],
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'configuration',
     'the GUI reads top-level config_dir, not [configuration]'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'basic.caption_extension',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'basic.max_grad_norm',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'basic.save_every_n_steps',
     'the GUI reads advanced.save_every_n_steps'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'advanced.log_with',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'dataset_preparation.reg_images_repeat',
     'the GUI reads util_regularization_images_repeat_input'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'huggingface.huggingface_path_in_repo',
     'the GUI reads huggingface.repo_id etc., not huggingface_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'huggingface.huggingface_repo_id',
     'the GUI reads huggingface.repo_id etc., not huggingface_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'huggingface.huggingface_repo_type',
     'the GUI reads huggingface.repo_id etc., not huggingface_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'huggingface.huggingface_repo_visibility',
     'the GUI reads huggingface.repo_id etc., not huggingface_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'huggingface.huggingface_token',
     'the GUI reads huggingface.repo_id etc., not huggingface_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'metadata.metadata_title',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'metadata.metadata_author',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'metadata.metadata_description',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'metadata.metadata_license',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss/config example.toml',
     'CFG701', 'metadata.metadata_tags',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss/presets/finetune/SDXL - Essenz series by AI_Characters_Training v1.0.json',
     'CFG701', 'generate_caption_database',
     'train-side name; the preset key is create_caption / create_buckets'),
    ('kohya/bmaltais__kohya_ss/presets/finetune/SDXL - Essenz series by AI_Characters_Training v1.0.json',
     'CFG701', 'generate_image_buckets',
     'train-side name; the preset key is create_caption / create_buckets'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - 1 image LoRA v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoHA AI_Characters v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoKR v1.0.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoKR v1.0.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA AI_Now prodigy v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA AI_characters standard v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA AI_characters standard v1.1.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA adafactor v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA by malcolmrey training v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA face dogu_cat v1.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 1_v1.1.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 1_v1.1.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 1_v1.1.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 2_v1.1.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 2_v1.1.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA finetuning phase 2_v1.1.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA kudou-reira dadaptadam v1.0.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA kudou-reira dadaptadam v1.0.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA kudou-reira dadaptadam v1.1.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA kudou-reira dadaptadam v1.1.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/SDXL - LoRA kudou-reira prodigy v4.0.json',
     'CFG701', 'stop_text_encoder_training_pct',
     'dropped from the LoRA GUI in v25: ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/ia3-sd15.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/ia3-sd15.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/locon-dadaptation-sdxl.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/locon-dadaptation-sdxl.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/loha-sd15.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/loha-sd15.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/lokr-sd15.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/lokr-sd15.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoConOptiSettings.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoConOptiSettings.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoHaOptiSettings.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoHaOptiSettings.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoraOptiSettings.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/presets/lora/sd15 - EDG_LoraOptiSettings.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/SDXL-Standard-AdamW8bit.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/SDXL-Standard-AdamW8bit.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/iA3-Prodigy.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/iA3-Prodigy.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/locon-Prodigy.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/locon-Prodigy.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/loha-Prodigy.json',
     'CFG701', 'conv_alphas',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss/test/config/loha-Prodigy.json',
     'CFG701', 'conv_dims',
     'legacy name removed in d14fa0d0 (now conv_block_*): ignored on load'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'settings.expand_all_accordions',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'model.sd3',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'model.flux1',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'configuration',
     'the GUI reads top-level config_dir, not [configuration]'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'basic.caption_extension',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'basic.max_grad_norm',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'advanced.log_with',
     'dead key in the example: no GUI code reads it'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'metadata.metadata_title',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'metadata.metadata_author',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'metadata.metadata_description',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'metadata.metadata_license',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'metadata.metadata_tags',
     'the GUI reads metadata.author etc., not metadata_* names'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'dreambooth',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'finetune',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'lora',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'textual_inversion',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'flux1.expand_accordion',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'flux1.model_prediction_type',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'flux1.flux_fused_backward_pass',
     'PR-only app-config section/key not read at HEAD'),
    ('kohya/bmaltais__kohya_ss@pr-3313/config example.toml',
     'CFG701', 'dataset_preparation.reg_images_repeat',
     'the GUI reads util_regularization_images_repeat_input'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test.json',
     'CFG701', 'dataset_config_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test.json',
     'CFG701', 'effnet_checkpoint_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test.json',
     'CFG701', 'previewer_checkpoint_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test.json',
     'CFG701', 'sample_prompts_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test_v2.json',
     'CFG701', 'dataset_config_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test_v2.json',
     'CFG701', 'effnet_checkpoint_path',
     'key exists only on the stable-cascade branch'),
    ('kohya/bmaltais__kohya_ss@stable-cascade/examples/stable_cascade/preset-13-images-1800steps-test_v2.json',
     'CFG701', 'previewer_checkpoint_path',
     'key exists only on the stable-cascade branch'),
]

# basicsr: names of registries users extend (model_type, network_*.type, train.*_opt.type,
# datasets.*.type) that upstream does not register are looked up in the config's own
# repository; the corpus keeps no Python, so there they are information (cfglint.repo)
_RS = "the fork's own remote-sensing class, registered in gilesknight/BasicSR-RS's code; the corpus holds no Python to find it in, so information only"
_FSR = "the fork's own FSR/blind-SR class, registered in Tvrco/BasicSR's code; the corpus holds no Python to find it in, so information only"
_WADV = "the fork's own weighted-adversarial class (esw0116/BasicSR_WeightedAdv); the corpus holds no Python to find it in, so information only"
_PL = "the fork's own class, registered in its pl_modules registries (PL_*_REGISTRY); the corpus holds no Python, so information only"
_NO_CODE = ("only against upstream's signature: the fork's own GANLoss takes var_weight "
            "(esw0116/BasicSR_WeightedAdv:basicsr/losses/gan_loss.py); inside that repository "
            "cfglint reads the fork's signature and says nothing; the corpus holds no Python, "
            "and the file names the fork's own dataset and arch, so information only")
BASICSR: list[Reviewed] = [
    ('basicsr/XPixelGroup__BasicSR/options/train/EDVR/train_EDVR_L_x4_SR_REDS.yml',
     'CFG701', 'network_g.ema_decay',
     'EDVR.__init__ has no ema_decay: build_network raises TypeError (belongs in train)'),
    ('basicsr/XPixelGroup__BasicSR/options/train/EDVR/train_EDVR_L_x4_SR_REDS_woTSA.yml',
     'CFG701', 'network_g.ema_decay',
     'EDVR.__init__ has no ema_decay: build_network raises TypeError (belongs in train)'),
    ('basicsr/esw0116__BasicSR_WeightedAdv/options/train/ESRGAN/g_q/train_0.1_1_x4.yml',
     'CFG701', 'train.gan_opt.var_weight', _NO_CODE),
    ('basicsr/esw0116__BasicSR_WeightedAdv/options/train/ESRGAN/train_weighted_ESRGAN_x4.yml',
     'CFG701', 'train.gan_opt.var_weight', _NO_CODE),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_BSFSRN_x8.yml',
     'CFG003', 'datasets.train.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_BSFSRN_x8.yml',
     'CFG003', 'model_type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_BSFSRN_x8.yml',
     'CFG003', 'network_g.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_LapSRNV4.10_x8_FAN.yml',
     'CFG003', 'datasets.train.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_LapSRNV4.10_x8_FAN.yml',
     'CFG003', 'model_type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_LapSRNV4.10_x8_FAN.yml',
     'CFG003', 'network_g.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/FSR/train_LapSRNV4.10_x8_FAN.yml',
     'CFG003', 'train.fan_opt.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/train_RLFN_blindsr_x4.yml',
     'CFG003', 'datasets.train.type', _FSR),
    ('basicsr/Tvrco__BasicSR/options/train/train_RLFN_blindsr_x4.yml',
     'CFG003', 'network_g.type', _FSR),
    ('basicsr/XPixelGroup__BasicSR/options/train/HiFaceGAN/train_hifacegan.yml',
     'CFG003', 'train.feature_matching_opt.type', "real defect: nothing in BasicSR registers GANFeatLoss, so build_loss raises KeyError when HiFaceGANModel builds feature_matching_opt (a warning inside BasicSR's repository)"),
    ('basicsr/denix56__Real-ESRGAN/options/train_ESRGAN_x4.yml',
     'CFG003', 'datasets.train.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_ESRGAN_x4.yml',
     'CFG003', 'datasets.val.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_ESRGAN_x4.yml',
     'CFG003', 'train.perceptual_opt.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_SwinIR_PSNR_x4.yml',
     'CFG003', 'datasets.train.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_SwinIR_PSNR_x4.yml',
     'CFG003', 'datasets.val.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_vdsr.yml',
     'CFG003', 'datasets.train.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_vdsr.yml',
     'CFG003', 'datasets.val.type', _PL),
    ('basicsr/denix56__Real-ESRGAN/options/train_vdsr.yml',
     'CFG003', 'network_g.type', _PL),
    ('basicsr/esw0116__BasicSR_WeightedAdv/options/train/ESRGAN/g_q/train_0.1_1_x4.yml',
     'CFG003', 'datasets.train.type', _WADV),
    ('basicsr/esw0116__BasicSR_WeightedAdv/options/train/ESRGAN/g_q/train_0.1_1_x4.yml',
     'CFG003', 'network_g.type', _WADV),
    ('basicsr/esw0116__BasicSR_WeightedAdv/options/train/ESRGAN/train_weighted_ESRGAN_x4.yml',
     'CFG003', 'datasets.train.type', _WADV),
    ('basicsr/gilesknight__BasicSR-RS/options/test/EDSR/test_rs_EDSR_Lx4.yml',
     'CFG003', 'datasets.test_1.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/EDSR/test_rs_EDSR_Lx4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/EDSR/test_rs_EDSR_Lx4.yml',
     'CFG003', 'network_g.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/ESRGAN/test_rs_ESRGAN_x4.yml',
     'CFG003', 'datasets.test_1.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/ESRGAN/test_rs_ESRGAN_x4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/ESRGAN/test_rs_RRDBNet_PSNR_x4.yml',
     'CFG003', 'datasets.test_1.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/test/ESRGAN/test_rs_RRDBNet_PSNR_x4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4.yml',
     'CFG003', 'datasets.train.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4.yml',
     'CFG003', 'datasets.val.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4.yml',
     'CFG003', 'network_g.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4_2.yml',
     'CFG003', 'datasets.train.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4_2.yml',
     'CFG003', 'datasets.val.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4_2.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Lx4_2.yml',
     'CFG003', 'network_g.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Mx4.yml',
     'CFG003', 'datasets.train.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Mx4.yml',
     'CFG003', 'datasets.val.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Mx4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/EDSR/train_rs_EDSR_Mx4.yml',
     'CFG003', 'network_g.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_ESRGAN_x4.yml',
     'CFG003', 'datasets.train.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_ESRGAN_x4.yml',
     'CFG003', 'datasets.val.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_ESRGAN_x4.yml',
     'CFG003', 'model_type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_RRDBNet_PSNR_x4.yml',
     'CFG003', 'datasets.train.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_RRDBNet_PSNR_x4.yml',
     'CFG003', 'datasets.val.type', _RS),
    ('basicsr/gilesknight__BasicSR-RS/options/train/ESRGAN/train_rs_RRDBNet_PSNR_x4.yml',
     'CFG003', 'model_type', _RS),
]

# hydra
HYDRA: list[Reviewed] = [
    ('hydra/facebookresearch__hydra/hydra/test_utils/configs/defaults_not_list.yaml',
     'CFG002', 'defaults',
     'intentional negative fixture: defaults must be a list'),
    ('hydra/facebookresearch__hydra/tests/test_apps/setting_env/config.yaml',
     'CFG701', 'hydra.job.env',
     'hydra.job.env was renamed env_set in Hydra 1.0; HEAD rejects it'),
]

# sedd: noise.type, graph.type, sampling.predictor and optim.optimizer are names SEDD's code
# branches on (get_noise, get_graph, register_predictor, get_optimizer), which forks extend:
# inside a repository cfglint reads its own code; with no code, a name upstream lacks is an
# error unless the file shows a fork (other keys or names upstream lacks), then information
_KKJ = "sedd/kkj15dk__axolotl"
_KKJ_WHY = ("kkj15dk/axolotl's own {} (axolotl/{}) handles {!r}, upstream's does not; the "
            "corpus holds no Python and the file sets the fork's own keys (t_sampling, "
            "num_labels, sampling.cfg), so information only")
SEDD: list[Reviewed] = [
    (f'{_KKJ}/configs/config.yaml', 'CFG003', 'sampling.predictor',
     _KKJ_WHY.format("register_predictor", "sampling.py", "ancestral_x0")),
    (f'{_KKJ}@MD4/configs/config.yaml', 'CFG003', 'sampling.predictor',
     _KKJ_WHY.format("register_predictor", "sampling.py", "ancestral_x0")),
    (f'{_KKJ}@MD4/configs/config.yaml', 'CFG003', 'noise.type',
     _KKJ_WHY.format("get_noise", "noise_lib.py", "linear")),
]

# traiNNer: registry names as for basicsr (architectures, losses, datasets, optimizers,
# metrics). The option keys these forks add to traiNNer-redux's strict option structs
# (CFG701): inside the fork's repository cfglint reads its own redux_options.py and says
# nothing; the corpus holds no Python, and each file also has other keys or names upstream
# lacks, so each is information ("upstream rejects it, a fork that adds it reads it").
_STRUCTS = "traiNNer/utils/redux_options.py"
_KIM_KEY = f"a field of Kim2091/traiNNer-redux-1's own ReduxOptions (feat/bgcc, {_STRUCTS}); no code in the corpus, and the file names the fork's BGCC classes: information"
_RIFT_KEY = f"a degradation option of Rift73/traiNNer-redux's own ReduxOptions ({_STRUCTS}); no code in the corpus, and the file sets many more: information"
_ALPACA_KEY = f"a field of alpacaMIE/traiNNer-redux_UnpairedSR's own option structs ({_STRUCTS}); no code in the corpus, and the file sets many more: information"
_ALPACA_NAME = "a loss label the fork's PDMSRBlindModel pops before build_loss (alpacaMIE/traiNNer-redux_UnpairedSR:traiNNer/models/pdm_sr_blind_model.py); upstream would pass it to the loss: information here"
_RIFT = "basicsr/Rift73__traiNNer-redux/options/train/"
_RIFT_ARC = "compress_prob compress_jpeg_range compress_prob2 compress_jpeg_range2".split()
_RIFT_DRFT = _RIFT_ARC + """
    otf_degradation_combos otf_degradation_combo_weights otf_no_combo_weight
    otf_global_degradations ntsc_prob ntsc_preset ntsc_comb_mode ntsc_enable_vhs ntsc_noise
    ntsc_luma_noise ntsc_ghost_amplitude ntsc_ghost_delay_us ntsc_ghost_phase ntsc_jitter
    ntsc_edge_ringing ntsc_vhs_luma_bw ntsc_color_under_bw ntsc_tape_trailing ntsc_intensity
    rainbow_prob rainbow_subcarrier_freq rainbow_chroma_bandwidth rainbow_intensity
    rainbow_phase_alternation ghosting_prob ghosting_shift_x ghosting_shift_y ghosting_opacity
    interlace_prob interlace_field_shift interlace_dominant_field scanline_prob
    scanline_strength scanline_even_lines lowpass_prob lowpass_cutoff lowpass_order
    lowpass_detail_mask lowpass_mask_lines_brz overshoot_prob overshoot_amount overshoot_cutoff
    overshoot_order shift_prob shift_types shift_percent shift_rgb_r shift_rgb_g shift_rgb_b
    shift_yuv_y shift_yuv_u shift_yuv_v shift_cmyk_c shift_cmyk_m shift_cmyk_y shift_cmyk_k
    subsampling_prob subsampling_down_algorithms subsampling_up_algorithms subsampling_formats
    subsampling_blur_range subsampling_ycbcr_type compress_algorithms compress_algorithm_probs
    compress_webp_range compress_h264_range compress_hevc_range compress_mpeg2_range
    compress_mpeg4_range compress_vp9_range compress_video_sampling
    compress_video_sampling_weights compress_algorithms2 compress_algorithm_probs2
    compress_webp_range2 compress_h264_range2 compress_hevc_range2 compress_mpeg2_range2
    compress_mpeg4_range2 compress_vp9_range2 compress_video_sampling2
    compress_video_sampling_weights2 otf_hf_noise_prob otf_hf_noise_normalize
    otf_hf_noise_alpha_range otf_hf_noise_beta_shape_range otf_hf_noise_beta_offset_range
    otf_hf_noise_gray_prob otf_hf_noise_denoise_lq otf_hf_noise_denoise_strength dithering_prob
    dithering_types dithering_quantize_range dithering_map_size dithering_history_range
    dithering_ratio_range dithering_palette_mode dithering_palette_size""".split()
_ALPACA = "basicsr/alpacaMIE__traiNNer-redux_UnpairedSR/options/blind_pdm/"
_ALPACA_KEYS = """blind network_deg network_d_lr network_d_sr path.pretrain_network_deg
    path.pretrain_network_d_lr path.pretrain_network_d_sr path.strict_load_deg
    path.strict_load_d_lr path.strict_load_d_sr train.optim_deg train.optim_d_lr
    train.optim_d_sr train.pdm val.pdm""".split()
_ALPACA_LOSSES = [f"train.losses[{i}].name" for i in (0, 1, 2, 3, 4, 6, 7)]
_FORK_KEYS: list[Reviewed] = [
    ('basicsr/Kim2091__traiNNer-redux-1@feat_bgcc/options/train/BGCC/bgcc_2x.yml',
     'CFG701', 'bgcc_mode', _KIM_KEY),
    *[(f"{_RIFT}ARC/2x_ARC_fidelity.yml", 'CFG701', k, _RIFT_KEY) for k in _RIFT_ARC],
    *[(f"{_RIFT}DRFT/4x_DRFT_L_ws32_GAN_finetune.yml", 'CFG701', k, _RIFT_KEY)
      for k in _RIFT_DRFT],
    *[(f"{_ALPACA}{name}", 'CFG701', k, _ALPACA_KEY)
      for name in ("train.yml", "train_plksr_x4_satellite.yml") for k in _ALPACA_KEYS],
    *[(f"{_ALPACA}{name}", 'CFG701', k, _ALPACA_NAME)
      for name in ("train.yml", "train_plksr_x4_satellite.yml") for k in _ALPACA_LOSSES],
]
_BGCC = "the fork's own BGCC class (Kim2091/traiNNer-redux-1, feat/bgcc); the corpus holds no Python to find it in, so information only"
_UNPAIRED = "the fork's own unpaired-SR class (alpacaMIE/traiNNer-redux_UnpairedSR); the corpus holds no Python, so information only"
_RIFT = 'registered nowhere in Rift73/traiNNer-redux at this commit (a warning inside that repository); no Python in the corpus, so information only'
TRAINNER: list[Reviewed] = [
    ('basicsr/Kim2091__traiNNer-redux-1@feat_bgcc/options/train/BGCC/bgcc_2x.yml',
     'CFG003', 'datasets.train.type', _BGCC),
    ('basicsr/Kim2091__traiNNer-redux-1@feat_bgcc/options/train/BGCC/bgcc_2x.yml',
     'CFG003', 'datasets.val.type', _BGCC),
    ('basicsr/Kim2091__traiNNer-redux-1@feat_bgcc/options/train/BGCC/bgcc_2x.yml',
     'CFG003', 'network_g.type', _BGCC),
    ('basicsr/Kim2091__traiNNer-redux-1@feat_bgcc/options/train/BGCC/bgcc_2x.yml',
     'CFG003', 'train.losses[0].type', _BGCC),
    ('basicsr/Rift73__traiNNer-redux/options/train/ARC/2x_ARC_fidelity.yml',
     'CFG003', 'network_g.type', _RIFT),
    ('basicsr/Rift73__traiNNer-redux/options/train/DRFT/4x_DRFT_L_ws32_GAN_finetune.yml',
     'CFG003', 'network_g.type', _RIFT),
    ('basicsr/alpacaMIE__traiNNer-redux_UnpairedSR/options/blind_pdm/train.yml',
     'CFG003', 'datasets.train.type', _UNPAIRED),
    ('basicsr/alpacaMIE__traiNNer-redux_UnpairedSR/options/blind_pdm/train.yml',
     'CFG003', 'train.losses[5].type', _UNPAIRED),
    ('basicsr/alpacaMIE__traiNNer-redux_UnpairedSR/options/blind_pdm/train_plksr_x4_satellite.yml',
     'CFG003', 'datasets.train.type', _UNPAIRED),
    ('basicsr/alpacaMIE__traiNNer-redux_UnpairedSR/options/blind_pdm/train_plksr_x4_satellite.yml',
     'CFG003', 'train.losses[5].type', _UNPAIRED),
    *_FORK_KEYS,
]

# diffusion-pipe (training and dataset TOMLs)
_DP = 'diffusion-pipe/'
_DP_TIAN = _DP + 'TianDongL__Diffusion_pipe_in_ComfyUI_Win/'
_DP_LUIS = _DP + 'luisclement__Diffusion-Pipe-Lora-Training/toml/'
_DP_ADB = _DP + 'adbrasi__diffusion-pipe-easycontrol/examples/'
_DP_ZSX = _DP + 'zsxkib__diffusion-pipe@wan-trainer/'
_DP_FORK = 'fork/PR-only key or table: no code at diffusion-pipe HEAD reads it'
DIFFUSION_PIPE: list[Reviewed] = [
    (_DP + 'tdrussell__diffusion-pipe/test/config.toml', 'CFG002', '',
     'fixture of test/debug_deepspeed_init.py, not a train.py config: train.py stops at the '
     'missing output_dir, dataset, epochs and [optimizer]'),
    (_DP + 'tdrussell__diffusion-pipe@pr-453/examples/longcat.toml', 'CFG003', 'model.type',
     "PR-only model type: train.py at HEAD raises NotImplementedError for 'longcat'"),
    (_DP + 'tdrussell__diffusion-pipe@pr-453/examples/longcat.toml', 'CFG701', 'eval_dump',
     _DP_FORK),
    (_DP + 'tdrussell__diffusion-pipe@pr-463/examples/main_example.toml', 'CFG002',
     'warmup_steps', 'warmup_steps = 0.05 is not a ratio: LinearLR start_factor 1/0.05 = 20 '
     'is rejected by torch at start-up'),
    (_DP + 'tdrussell__diffusion-pipe@pr-463/examples/main_example.toml', 'CFG701',
     'lr_scheduler_config', _DP_FORK),
    (_DP_TIAN + 'train_config/qwen_edit_train.toml', 'CFG701', 'model.tokenizer_path',
     'models/qwen_image.py reads no tokenizer_path (it loads its own configs/qwen_image/tokenizer)'),
    (_DP_TIAN + 'train_config/qwen_edit_train.toml', 'CFG701', 'model.processor_path',
     'models/qwen_image.py reads no processor_path'),
    (_DP_TIAN + 'train_config/qwen_edit_train.toml', 'CFG701', 'lora.type',
     'legacy [lora] table: only its dtype is read; the adapter is the [adapter] table'),
    (_DP_TIAN + 'train_config/qwen_edit_train.toml', 'CFG701', 'lora.rank',
     'legacy [lora] table: only its dtype is read; the adapter is the [adapter] table'),
    (_DP_TIAN + 'train_config/qwen_t2i_train.toml', 'CFG002', '',
     'no `dataset`: train.py opens config["dataset"] (KeyError); it wrote dataset_config_path'),
    (_DP_TIAN + 'train_config/qwen_t2i_train.toml', 'CFG701', 'dataset_config_path',
     'not read: train.py opens config["dataset"]'),
    (_DP_TIAN + 'train_config/test_config.toml', 'CFG701', 'number_of_gpus',
     'key of the ComfyUI wrapper; diffusion-pipe takes the GPU count from the launcher'),
    (_DP_TIAN + 'train_config/trainconfig.toml', 'CFG701', 'number_of_gpus',
     'key of the ComfyUI wrapper; diffusion-pipe takes the GPU count from the launcher'),
    (_DP_TIAN + 'train_config/wan2.2_i2v.toml', 'CFG003', 'video_clip_mode',
     "'multiple_overlapping' is commented out in models/base.py: NotImplementedError on videos"),
    (_DP_TIAN + 'train_config/qwen_dataset.toml', 'CFG701', 'directory[0].buckets',
     'utils/dataset.py reads no `buckets` key (ar_buckets, size_buckets, frame_buckets)'),
    (_DP_LUIS + 'wan_2.2_high.toml', 'CFG701', 'timestep_start',
     'not a diffusion-pipe key: the high-noise expert trains on t in [0, 1] (min_t/max_t under '
     '[model], tdrussell/diffusion-pipe#372)'),
    (_DP_LUIS + 'wan_2.2_high.toml', 'CFG701', 'timestep_end',
     'not a diffusion-pipe key (min_t/max_t under [model])'),
    (_DP_LUIS + 'wan_2.2_high.toml', 'CFG701', 'model.vae_path',
     'models/wan/wan.py reads ckpt_path, transformer_path and llm_path only'),
    (_DP_LUIS + 'wan_2.2_high.toml', 'CFG701', 'model.clip_path',
     'models/wan/wan.py reads ckpt_path, transformer_path and llm_path only'),
    (_DP_LUIS + 'wan_2.2_low.toml', 'CFG701', 'timestep_start',
     'not a diffusion-pipe key (min_t/max_t under [model])'),
    (_DP_LUIS + 'wan_2.2_low.toml', 'CFG701', 'timestep_end',
     'not a diffusion-pipe key (min_t/max_t under [model])'),
    (_DP_LUIS + 'wan_2.2_low.toml', 'CFG701', 'model.vae_path',
     'models/wan/wan.py reads ckpt_path, transformer_path and llm_path only'),
    (_DP_LUIS + 'wan_2.2_low.toml', 'CFG701', 'model.clip_path',
     'models/wan/wan.py reads ckpt_path, transformer_path and llm_path only'),
    (_DP_ADB + 'anima_canny_dataset.toml', 'CFG701', 'directory[0].caption_ext', _DP_FORK),
    (_DP_ADB + 'anima_easycontrol_dataset.toml', 'CFG701', 'directory[0].caption_ext',
     _DP_FORK),
    (_DP_ADB + 'anima_easycontrol.toml', 'CFG003', 'model.type',
     "fork-only model type: train.py at HEAD raises NotImplementedError for 'easycontrol'"),
    (_DP_ADB + 'anima_easycontrol.toml', 'CFG701', 'control', _DP_FORK),
    (_DP_ZSX + 'wan_train_replicate.toml', 'CFG701', 'general', _DP_FORK),
    (_DP_ZSX + 'wan_train_replicate.toml', 'CFG701', 'deepspeed', _DP_FORK),
    (_DP_ZSX + 'wan_train_replicate.toml', 'CFG002', 'lr_scheduler',
     'a [lr_scheduler] table: train.py compares a string and raises NotImplementedError'),
    (_DP_ZSX + 'wan_dataset.toml', 'CFG701', 'max_workers', _DP_FORK),
    (_DP_ZSX + 'wan_dataset.toml', 'CFG701', 'cache_batch_size', _DP_FORK),
    (_DP_ZSX + 'wan_dataset.toml', 'CFG701', 'video_clip_mode',
     'a training-config key: the dataset file is not where it is read'),
    (_DP_ZSX + 'wan_dataset.toml', 'CFG701', 'directory[0].video_clip_length', _DP_FORK),
]

# musubi-tuner (training and dataset TOMLs)
_MT = 'musubi-tuner/kohya-ss__musubi-tuner'
_MT_QWEN = _MT + '@pr-861/configs/DLAY/QWEN-IMAGE/dlay_qwen2512_'
_MT_FORK = 'blissful-tuner fork key (PR-only): no code at musubi-tuner HEAD reads it'
_MT_MASK = ('blissful-tuner fork key: musubi-tuner\'s strict dataset schema rejects it, so '
            'caching and training stop')
_MT_DUP = ('set in [training] and again in [sampling]: the flattened namespace keeps the '
           'later one')
MUSUBI_TUNER: list[Reviewed] = [
    *[(_MT_QWEN + 'dataset_cute_v2.toml', 'CFG701', 'datasets[0].mask_directory', _MT_MASK)],
    *[(_MT + '@pr-861/configs/dlay_dataset.toml', 'CFG701', f'datasets[{i}].mask_directory',
       _MT_MASK) for i in range(3)],
    *[(_MT_QWEN + f'lora_adamw_loraplus_cute_v{v}.toml', 'CFG701', f'training.{k}', _MT_FORK)
      for v in (1, 2) for k in ('cute', 'use_mask_loss', 'mask_gamma', 'mask_min_weight')],
    *[(_MT + '@pr-861/configs/dlay_lokr_prodigy_training_full.toml', 'CFG005', f'training.{k}',
       _MT_DUP) for k in ('save_every_n_steps', 'save_state', 'save_last_n_steps',
                          'save_last_n_steps_state')],
    *[(_MT + f'@pr-861/configs/{name}.toml', 'CFG701', f'training.{k}', _MT_FORK)
      for name in ('dlay_lokr_prodigy_training_full', 'dlay_lokr_training', 'dlay_lora_training')
      for k in ('use_mask_loss', 'mask_min_weight', 'rope_func')],
    (_MT + '@pr-901/configs/DLAY/QWEN-IMAGE/dlay_qwen2512_lora_muon_cute_v1.toml', 'CFG003',
     'optimizer.optimizer_type', 'MuonWithAdamW has no module path, so musubi-tuner looks it up '
     'in torch.optim, which has no such class (AttributeError)'),
    *[(_MT + '@pr-901/configs/DLAY/QWEN-IMAGE/dlay_qwen2512_lora_muon_cute_v1.toml', 'CFG701',
       key, _MT_FORK) for key in ('optimizer.muon_adam_lr', 'optimizer.muon_model_type',
                                  'training.cute', 'training.use_mask_loss',
                                  'training.mask_gamma', 'training.mask_min_weight')],
    ('musubi-tuner/radiatingreverberations__musubi-tuner-docker/src/scripts/krea2/templates/'
     'train-10gb.toml', 'CFG701', 'save_model_as',
     "an sd-scripts option: musubi-tuner's parser has no save_model_as"),
]

# onetrainer
ONETRAINER: list[Reviewed] = [
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG003', 'attention_mechanism',
     'XFORMERS is no longer an AttentionMechanism: “Could not set”, SDP is used'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG003', 'output_model_format',
     'CKPT is no longer a ModelFormat: “Could not set”, the default format is used'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_cfg_scale',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_loss',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_probability',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_truncate_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'align_prop_weight',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'circular_mask_generation',
     "removed from OneTrainer's config: ignored on load"),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 1.5.json',
     'CFG701', 'random_rotate_and_crop',
     "removed from OneTrainer's config: ignored on load"),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG003', 'attention_mechanism',
     'XFORMERS is no longer an AttentionMechanism: “Could not set”, SDP is used'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_cfg_scale',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_loss',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_probability',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_truncate_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'align_prop_weight',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'circular_mask_generation',
     "removed from OneTrainer's config: ignored on load"),
    ('onetrainer/BatchClayderman__OneTrainer/training_presets/sd 2.1.json',
     'CFG701', 'random_rotate_and_crop',
     "removed from OneTrainer's config: ignored on load"),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_concept.json',
     'CFG701', '[0].repeats',
     'renamed balancing by concept version 1; this version-2 concept ignores it'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'coft_eps',
     'key of the PR branch, not read at HEAD'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'max_train_steps',
     'not a OneTrainer key (it counts epochs): ignored'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'oft_coft',
     'key of the PR branch, not read at HEAD'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'sample_definitions',
     'not a OneTrainer key (sample_definition_file_name is): ignored'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'samples_config_path',
     'not a OneTrainer key (sample_definition_file_name is): ignored'),
    ('onetrainer/Nerogar__OneTrainer@pr-1450/configs/sumi_dualgpu.json',
     'CFG701', 'weight_dtype',
     'migrated into the part blocks by version 10; in this v10 export it is ignored'),
    ('onetrainer/Nerogar__OneTrainer@pr-1510/training_presets/#lens Finetune 16GB.json',
     'CFG003', 'model_type',
     'PR-only model type: HEAD falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/Nerogar__OneTrainer@pr-1510/training_presets/#lens LoRA 16GB.json',
     'CFG003', 'model_type',
     'PR-only model type: HEAD falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_finetune_train.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_high_sdxl.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer_defaults.ADAFACTOR.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_focus',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_presets/trickcal_lora_train.json',
     'CFG701', 'optimizer_defaults.PRODIGY.use_muon_pp',
     'optimizer field of this fork only: TrainOptimizerConfig has none, ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[0].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[1].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[2].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[3].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[4].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/Shoorito__OneTrainerSDXL/training_samples/samples.json',
     'CFG701', '[5].prior_attention_mask',
     'not a SampleConfig field: ignored'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 Embedding.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 Embedding.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 Finetune.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 Finetune.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA 8GB.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA 8GB.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA flexible.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA flexible.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA local.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA local.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA.json',
     'CFG003', 'model_type',
     'model type of the WAN fork: OneTrainer falls back to STABLE_DIFFUSION_15 (“Could not set”)'),
    ('onetrainer/celesrenata__OneTrainer-WAN/training_presets/#wan 2.2 LoRA.json',
     'CFG701', 'video_config',
     'section of the WAN fork: OneTrainer ignores it'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG003', 'attention_mechanism',
     'XFORMERS is no longer an AttentionMechanism: “Could not set”, SDP is used'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_cfg_scale',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_loss',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_probability',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_truncate_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/embedding_args.json',
     'CFG701', 'align_prop_weight',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG003', 'attention_mechanism',
     'XFORMERS is no longer an AttentionMechanism: “Could not set”, SDP is used'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_cfg_scale',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_loss',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_probability',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_truncate_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/dhm99__OneTrainer/training_presets/princess_peach-dora.json',
     'CFG701', 'align_prop_weight',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG003', 'attention_mechanism',
     'XFORMERS is no longer an AttentionMechanism: “Could not set”, SDP is used'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_cfg_scale',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_loss',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_probability',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_truncate_steps',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'align_prop_weight',
     'AlignProp settings, removed from OneTrainer: ignored on load'),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'circular_mask_generation',
     "removed from OneTrainer's config: ignored on load"),
    ('onetrainer/medaminezghal1__OneTrainer-endpoint/training_presets/sdxl_1.0_LoRA_style.json',
     'CFG701', 'random_rotate_and_crop',
     "removed from OneTrainer's config: ignored on load"),
]

# simpletuner
SIMPLETUNER: list[Reviewed] = [
    ('other/bghira__SimpleTuner/simpletuner/examples/anima.peft-lora/multidatabackend.json',
     'CFG701', '[0].caption_column',
     'read only inside the huggingface block of a dataset: ignored here'),
    ('simpletuner/AmericanPresidentJimmyCarter__simple-flux-lora-training/config.json',
     'CFG701', '--allow_tf32',
     'option removed (TF32 is on unless disable_tf32): argparse rejects it'),
    ('simpletuner/AmericanPresidentJimmyCarter__simple-flux-lora-training/config.json',
     'CFG701', '--flux_schedule_auto_shift',
     'renamed flow_schedule_auto_shift: argparse rejects the old name'),
    ('simpletuner/AmericanPresidentJimmyCarter__simple-flux-lora-training/config.json',
     'CFG701', '--validation_torch_compile',
     'not an option; its value "false" is dropped before argparse, so it is ignored'),
    ('simpletuner/BenTimor__SimpleTunerFluxReady/config/config.json',
     'CFG701', '--validation_torch_compile',
     'not an option; its value "false" is dropped before argparse, so it is ignored'),
    ('simpletuner/minha12__SimpleTuner/config/config.json',
     'CFG701', '--validation_torch_compile',
     'not an option; its value "false" is dropped before argparse, so it is ignored'),
]

REVIEWED: dict[str, list[Reviewed]] = {
    "ai-toolkit": AI_TOOLKIT, "kohya": KOHYA, "kohya-dataset": KOHYA_DATASET,
    "kohya-gui": KOHYA_GUI, "basicsr": BASICSR, "hydra": HYDRA, "sedd": SEDD,
    "traiNNer": TRAINNER, "diffusion-pipe": DIFFUSION_PIPE, "musubi-tuner": MUSUBI_TUNER,
    "onetrainer": ONETRAINER, "simpletuner": SIMPLETUNER,
}
SCHEMA_CODES = {"CFG002", "CFG003", "CFG005", "CFG701"}


@cache
def _corpus_schema_findings() -> list[tuple[str, str, Finding]]:
    """(corpus path, family, finding) of every schema finding on the corpus."""
    root = require_corpus()
    out: list[tuple[str, str, Finding]] = []
    for path in corpus_files():
        doc = read_path(str(path))
        if not doc.ok:
            continue
        family = detect_family(doc)
        rel = path.relative_to(root).as_posix()
        out += [(rel, family, f) for f in schema_findings(doc, family) if f.code in SCHEMA_CODES]
    return out


def _corpus_findings() -> dict[str, Counter[tuple[str, str, str]]]:
    found: dict[str, Counter[tuple[str, str, str]]] = {}
    for rel, family, f in _corpus_schema_findings():
        found.setdefault(family, Counter())[(rel, f.code, f.key_text)] += 1
    return found


@pytest.fixture(scope="module")
def corpus_findings() -> dict[str, Counter[tuple[str, str, str]]]:
    return _corpus_findings()


def test_every_family_with_a_schema_has_a_reviewed_list() -> None:
    from cfglint.families import family_from_schema_ref

    names = {p.name.removesuffix(".schema.json") for p in schemas_dir().glob("*.schema.json")}
    families = {family_from_schema_ref(f"urn:cfglint:schema:{n}") for n in names}
    assert None not in families and families <= set(REVIEWED)


def test_reviewed_entries_are_unique_and_explained() -> None:
    for family, entries in REVIEWED.items():
        keys = [e[:3] for e in entries]
        assert len(keys) == len(set(keys)), family
        for _, code, _, reason in entries:
            assert code in SCHEMA_CODES and len(reason) > 15, (family, code)


@pytest.mark.parametrize("family", sorted(REVIEWED))
def test_corpus_schema_findings_match_the_reviewed_list(
        family: str, corpus_findings: dict[str, Counter[tuple[str, str, str]]]) -> None:
    found = corpus_findings.get(family, Counter())
    listed = {e[:3] for e in REVIEWED[family]}
    unlisted = sorted(k for k in found if k not in listed)
    gone = sorted(k for k in listed if k not in found)
    by_code = Counter(code for (_, code, _), n in found.items() for _ in range(n))
    print(f"{family}: {dict(sorted(by_code.items()))}")
    assert not unlisted, f"findings not in the reviewed list (false positives?): {unlisted}"
    assert not gone, f"reviewed findings that no longer fire: {gone}"


# Near-miss keys in open sections (CFG701 "it reads `warmup`, which is not set here"): a
# slip of a key the trainer reads in a section that takes any key. Every one on the corpus
# must be reviewed here as a real slip. None fires: the only keys of open sections one edit
# from a key read there are two ai-toolkit `dtype`s (beside `type`), one read by its process
# type's own schema, the other next to a `type` that is set.
NEAR_MISSES: list[tuple[str, str, str]] = []  # (corpus path, key path, why it is a slip)
_NEAR_MISS = "which is not set here"


def test_near_miss_keys_on_the_corpus_are_exactly_the_reviewed_slips() -> None:
    found = sorted((rel, f.key_text) for rel, _, f in _corpus_schema_findings()
                   if f.code == "CFG701" and _NEAR_MISS in f.message)
    assert found == sorted(e[:2] for e in NEAR_MISSES)
